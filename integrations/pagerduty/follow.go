package pagerduty

import (
	"context"
	"fmt"
	"strconv"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/warroom/warroom/bot"
)

// levelKey is the dedup key of an escalation level's own alert.
func levelKey(dedup string, level int) string { return dedup + ":level" + strconv.Itoa(level) }

// followUp mirrors an acknowledgement or a resolution onto what else the
// incident opened in PagerDuty, as its timeline records: the alert of each
// escalation level (an event with that level's key) and the incident of
// each person paged with /incident page @user (through REST).
func (c *Client) followUp(ctx context.Context, effect bot.Effect, p bot.PagePayload, number int64) error {
	if number == 0 {
		return nil
	}
	entries, err := c.svc.Timeline(ctx, number)
	if err != nil {
		return fmt.Errorf("read timeline: %w", err)
	}
	status := "acknowledged"
	if effect == bot.EffectResolve {
		status = "resolved"
	}
	done := map[string]bool{}
	for _, e := range entries {
		if e.Kind != bot.EntryPageSent || e.Data["target"] != Target {
			continue
		}
		switch {
		case e.Data["level"] != "" && e.Data["dedup_key"] != "" && !done[e.Data["dedup_key"]]:
			done[e.Data["dedup_key"]] = true
			key, err := c.routingKey(e.Data["service"])
			if err != nil {
				continue // the service's key left the configuration
			}
			lp := p
			lp.DedupKey = e.Data["dedup_key"]
			if _, err := c.sendEvent(ctx, key, string(effect), lp); err != nil {
				return err
			}
		case e.Data["user"] != "" && e.Data["pd_incident"] != "" && !done[e.Data["pd_incident"]] && c.restWrites():
			id := e.Data["pd_incident"]
			done[id] = true
			err := c.manage(ctx, pd.ManageIncidentsOptions{ID: id, Status: status})
			if err != nil && !bot.IsPermanent(err) {
				return err
			}
			if err != nil { // resolved or gone in PagerDuty already
				c.log.Warn("pagerduty incident of a paged person not updated", "pd_incident", id, "status", status, "err", err)
			}
		}
	}
	return nil
}
