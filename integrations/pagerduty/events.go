package pagerduty

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/warroom/warroom/bot"
)

// Handlers returns the outbox handlers of the paging jobs, by kind.
func (c *Client) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(Target, bot.EffectTrigger):     c.handleTrigger,
		bot.JobKindOf(Target, bot.EffectAcknowledge): c.handleStatus(bot.EffectAcknowledge),
		bot.JobKindOf(Target, bot.EffectResolve):     c.handleStatus(bot.EffectResolve),
		bot.JobKindOf(Target, bot.EffectEscalate):    c.handleEscalate,
	}
}

func decodePayload(job bot.Job) (bot.PagePayload, error) {
	var p bot.PagePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return p, bot.Permanent(fmt.Errorf("decode page payload: %w", err))
	}
	return p, nil
}

// pdSeverity maps a warroom severity to the Events API's.
func pdSeverity(s bot.Severity) string {
	switch s {
	case bot.SEV1:
		return "critical"
	case bot.SEV2:
		return "error"
	case bot.SEV3:
		return "warning"
	}
	return "info"
}

// routingKey returns the routing key of a named service ("" the default).
func (c *Client) routingKey(service string) (string, error) {
	if service == "" {
		if c.cfg.RoutingKey == "" {
			return "", bot.Errorf(bot.CodeNotConfigured, "no default PagerDuty service: set PAGERDUTY_ROUTING_KEY")
		}
		return c.cfg.RoutingKey, nil
	}
	for name, key := range c.cfg.Services {
		if equalFold(name, service) && key != "" {
			return key, nil
		}
	}
	return "", bot.Errorf(bot.CodeInvalid, "PagerDuty service %q is not configured (known: %s)", service, c.serviceNames())
}

func (c *Client) serviceNames() string {
	names := make([]string, 0, len(c.cfg.Services))
	for n := range c.cfg.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprint(names)
}

// sendEvent posts one Events API v2 event and returns PagerDuty's dedup key.
func (c *Client) sendEvent(ctx context.Context, routingKey, action string, p bot.PagePayload) (string, error) {
	ev := &pd.V2Event{RoutingKey: routingKey, Action: action, DedupKey: p.DedupKey}
	if action == "trigger" {
		src := p.Source
		if src == "" || src == "manual" {
			src = "warroom"
		}
		details := map[string]string{"incident": p.DedupKey, "actor": p.Actor}
		if p.Level > 0 {
			details["escalation_level"] = strconv.Itoa(p.Level)
		}
		ev.Client, ev.ClientURL = "warroom", p.URL
		ev.Payload = &pd.V2Payload{Summary: truncate(p.Summary, 1024), Source: src, Severity: pdSeverity(p.Severity), Details: details}
		if p.URL != "" {
			ev.Links = []any{map[string]string{"href": p.URL, "text": p.DedupKey + " in warroom"}}
		}
	}
	what, bucket := "send PagerDuty "+action+" event", eventsBucket(routingKey)
	probe, err := c.admit(ctx, what, bucket)
	if err != nil {
		return "", err
	}
	ctx, cp := withCapture(ctx)
	resp, err := c.api.ManageEventWithContext(ctx, ev)
	if err := c.done(ctx, what, bucket, probe, cp, err); err != nil {
		return "", err
	}
	return resp.DedupKey, nil
}

// handleTrigger pages: a service through the Events API, or a person
// through REST. The timeline records the page once per job.
func (c *Client) handleTrigger(ctx context.Context, job bot.Job) error {
	p, err := decodePayload(job)
	if err != nil {
		return err
	}
	text, data, err := c.page(ctx, p)
	if err != nil {
		return err
	}
	if job.Incident == 0 {
		return nil
	}
	rec := bot.PageRecord{Target: Target, Delivery: "job:" + strconv.FormatInt(job.ID, 10), Text: text, Data: data}
	if id := data["pd_incident"]; id != "" { // a person paged: the incident's ack and resolve follow it
		rec.Opened, rec.LinkName = &bot.Link{ID: id}, data["user"]
	}
	if err := c.svc.RecordPage(ctx, job.Incident, rec); err != nil {
		return fmt.Errorf("record page: %w", err)
	}
	return nil
}

// page sends one page and describes it.
func (c *Client) page(ctx context.Context, p bot.PagePayload) (string, map[string]string, error) {
	if p.User != "" {
		id, err := c.pageUser(ctx, p)
		if err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("paged %s through PagerDuty (incident %s)", p.User, id),
			map[string]string{"user": p.User, "pd_incident": id}, nil
	}
	key, err := c.routingKey(p.Service)
	if err != nil {
		return "", nil, bot.Permanent(err)
	}
	dedup, err := c.sendEvent(ctx, key, "trigger", p)
	if err != nil {
		return "", nil, err
	}
	who := "the default PagerDuty service"
	if p.Service != "" {
		who = "PagerDuty service " + p.Service
	}
	return "paged " + who, map[string]string{"service": p.Service, "dedup_key": dedup}, nil
}

// handleStatus mirrors an acknowledgement or a resolution: through REST on
// the linked PagerDuty incident when REST writes are configured, otherwise
// as an event on every routing key the incident may have been paged with.
func (c *Client) handleStatus(effect bot.Effect) func(context.Context, bot.Job) error {
	return func(ctx context.Context, job bot.Job) error {
		p, err := decodePayload(job)
		if err != nil {
			return err
		}
		if p.LinkID != "" && c.restWrites() {
			status := "acknowledged"
			if effect == bot.EffectResolve {
				status = "resolved"
			}
			if err := c.manage(ctx, pd.ManageIncidentsOptions{ID: p.LinkID, Status: status}); err != nil {
				return err
			}
			return c.followUp(ctx, effect, p, job.Incident)
		}
		keys, err := c.pagedKeys(ctx, job.Incident)
		if err != nil {
			return err
		}
		for _, key := range keys {
			if _, err := c.sendEvent(ctx, key, string(effect), p); err != nil {
				return err
			}
		}
		return c.followUp(ctx, effect, p, job.Incident)
	}
}

// handleEscalate re-pages: it raises the linked PagerDuty incident's
// escalation level through REST where it can, and otherwise triggers a new
// alert for the level (levelKey), so that PagerDuty notifies again.
func (c *Client) handleEscalate(ctx context.Context, job bot.Job) error {
	p, err := decodePayload(job)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("re-paged PagerDuty (escalation level %d)", p.Level)
	escalated := false
	if p.LinkID != "" && c.restWrites() && p.Level > 0 {
		err := c.manage(ctx, pd.ManageIncidentsOptions{ID: p.LinkID, EscalationLevel: uint(p.Level + 1)})
		switch {
		case err == nil:
			escalated = true
			text = fmt.Sprintf("escalated PagerDuty incident %s to level %d", p.LinkID, p.Level+1)
		case !bot.IsPermanent(err):
			return err
		} // a policy without that level: page again below
	}
	data := map[string]string{"level": strconv.Itoa(p.Level)}
	if !escalated {
		// PagerDuty folds a trigger with an open alert's dedup key into
		// that alert, notifying nobody: each level is its own alert, with
		// its own key, acknowledged and resolved with the incident.
		key, err := c.routingKey(p.Service)
		if err != nil {
			return bot.Permanent(err)
		}
		lp := p
		lp.DedupKey = levelKey(p.DedupKey, p.Level)
		if _, err := c.sendEvent(ctx, key, "trigger", lp); err != nil {
			return err
		}
		data["dedup_key"], data["service"] = lp.DedupKey, p.Service
	}
	rec := bot.PageRecord{Target: Target, Delivery: "job:" + strconv.FormatInt(job.ID, 10), Text: text, Data: data}
	if err := c.svc.RecordPage(ctx, job.Incident, rec); err != nil {
		return fmt.Errorf("record page: %w", err)
	}
	return nil
}

// restWrites reports whether REST writes (which need a From address) work.
func (c *Client) restWrites() bool { return c.cfg.Token != "" && c.cfg.From != "" }

func (c *Client) manage(ctx context.Context, o pd.ManageIncidentsOptions) error {
	what := "update PagerDuty incident " + o.ID
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return err
	}
	ctx, cp := withCapture(ctx)
	_, err = c.api.ManageIncidentsWithContext(ctx, c.cfg.From, []pd.ManageIncidentsOptions{o})
	return c.done(ctx, what, restBucket, probe, cp, err)
}

// pagedKeys lists the routing keys an incident was paged with, from its
// page_sent entries; the default key when none is recorded.
func (c *Client) pagedKeys(ctx context.Context, number int64) ([]string, error) {
	var keys []string
	add := func(k string) {
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if number != 0 {
		entries, err := c.svc.Timeline(ctx, number)
		if err != nil {
			return nil, fmt.Errorf("read timeline: %w", err)
		}
		for _, e := range entries {
			if e.Kind != bot.EntryPageSent || e.Data["target"] != Target || e.Data["user"] != "" || e.Data["level"] != "" {
				continue
			}
			if k, err := c.routingKey(e.Data["service"]); err == nil {
				add(k)
			}
		}
	}
	if len(keys) == 0 {
		add(c.cfg.RoutingKey)
	}
	return keys, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return bot.SanitizeTitle(s[:n], n)
}
