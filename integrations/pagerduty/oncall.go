package pagerduty

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

var _ commands.OnCall = (*Client)(nil)

// oncallWindow is how far ahead "next" looks.
const oncallWindow = 7 * 24 * time.Hour

type cached struct {
	text string
	at   time.Time
}

// OnCall implements commands.OnCall: who is on call now and next, per
// escalation policy and level, for one schedule ("" for all). Answers are
// cached for Config.CacheTTL.
func (c *Client) OnCall(ctx context.Context, schedule string) (string, error) {
	if c.cfg.Token == "" {
		return "", bot.Errorf(bot.CodeNotConfigured, "on-call lookup is not configured: set PAGERDUTY_TOKEN")
	}
	key := strings.ToLower(strings.TrimSpace(schedule))
	now := c.now()
	c.mu.Lock()
	if e, ok := c.cache[key]; ok && now.Sub(e.at) < c.cfg.CacheTTL && !now.Before(e.at) {
		c.mu.Unlock()
		return e.text, nil
	}
	c.mu.Unlock()

	opts := pd.ListOnCallOptions{
		Limit: 100, Since: now.UTC().Format(time.RFC3339), Until: now.Add(oncallWindow).UTC().Format(time.RFC3339),
	}
	if key != "" {
		id, err := c.scheduleID(key)
		if err != nil {
			return "", err
		}
		opts.ScheduleIDs = []string{id}
	}
	what := "list PagerDuty on-calls"
	probe, err := c.admit(ctx, what, restBucket)
	if err != nil {
		return "", userError(err)
	}
	ctx, cp := withCapture(ctx)
	resp, err := c.api.ListOnCallsWithContext(ctx, opts)
	if err := c.done(ctx, what, restBucket, probe, cp, err); err != nil {
		return "", userError(err)
	}
	text := formatOnCalls(resp.OnCalls, schedule, now)
	c.mu.Lock()
	c.cache[key] = cached{text: text, at: now}
	c.mu.Unlock()
	return text, nil
}

// scheduleID maps a configured schedule name to its PagerDuty ID; a name
// that is not configured is taken as an ID when it looks like one.
func (c *Client) scheduleID(name string) (string, error) {
	for n, id := range c.cfg.Schedules {
		if equalFold(n, name) {
			return id, nil
		}
	}
	up := strings.ToUpper(name)
	if len(up) >= 6 && len(up) <= 8 && up[0] == 'P' && strings.Trim(up, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
		return up, nil
	}
	names := make([]string, 0, len(c.cfg.Schedules))
	for n := range c.cfg.Schedules {
		names = append(names, n)
	}
	sort.Strings(names)
	known := "none configured"
	if len(names) > 0 {
		known = strings.Join(names, ", ")
	}
	return "", bot.Errorf(bot.CodeInvalid, "schedule %q is not known (configured: %s)", name, known)
}

type slot struct {
	user       string
	start, end time.Time // zero: open-ended
}

// formatOnCalls groups entries by escalation policy and level and names
// who is on call now and who is next.
func formatOnCalls(entries []pd.OnCall, schedule string, now time.Time) string {
	type group struct {
		policy, schedule string
		level            uint
		slots            []slot
	}
	groups := map[string]*group{}
	for _, e := range entries {
		k := fmt.Sprintf("%s\x00%d", e.EscalationPolicy.ID+e.EscalationPolicy.Summary, e.EscalationLevel)
		g := groups[k]
		if g == nil {
			g = &group{policy: orDash(e.EscalationPolicy.Summary), level: e.EscalationLevel}
			groups[k] = g
		}
		if e.Schedule.Summary != "" {
			g.schedule = e.Schedule.Summary
		}
		s := slot{user: orDash(e.User.Summary)}
		if e.User.Summary == "" && e.User.Name != "" {
			s.user = e.User.Name
		}
		s.start, _ = time.Parse(time.RFC3339, e.Start)
		s.end, _ = time.Parse(time.RFC3339, e.End)
		g.slots = append(g.slots, s)
	}
	if len(groups) == 0 {
		if schedule != "" {
			return fmt.Sprintf("Nobody is on call for %s in the next %s (PagerDuty).", schedule, bot.FormatDuration(oncallWindow))
		}
		return "Nobody is on call in the next week (PagerDuty)."
	}
	list := make([]*group, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].policy != list[j].policy {
			return list[i].policy < list[j].policy
		}
		return list[i].level < list[j].level
	})
	var b strings.Builder
	b.WriteString("On call (PagerDuty)")
	if schedule != "" {
		b.WriteString(" for " + schedule)
	}
	b.WriteString(":\n")
	for _, g := range list {
		sort.Slice(g.slots, func(i, j int) bool { return g.slots[i].start.Before(g.slots[j].start) })
		var current, next []string
		var until, from time.Time
		for _, s := range g.slots {
			switch {
			case !s.start.After(now) && (s.end.IsZero() || s.end.After(now)):
				current = appendUnique(current, s.user)
				if !s.end.IsZero() && (until.IsZero() || s.end.Before(until)) {
					until = s.end
				}
			case s.start.After(now) && (from.IsZero() || !s.start.After(from)):
				if !s.start.Equal(from) {
					next = nil
				}
				from = s.start
				next = appendUnique(next, s.user)
			}
		}
		fmt.Fprintf(&b, "• %s, level %d", g.policy, g.level)
		if g.schedule != "" {
			fmt.Fprintf(&b, " (%s)", g.schedule)
		}
		b.WriteString(": now ")
		if len(current) == 0 {
			b.WriteString("nobody")
		} else {
			b.WriteString(strings.Join(current, ", "))
			if !until.IsZero() {
				b.WriteString(" until " + until.UTC().Format("Mon 15:04 MST"))
			}
		}
		if len(next) > 0 {
			fmt.Fprintf(&b, "; next %s from %s", strings.Join(next, ", "), from.UTC().Format("Mon 15:04 MST"))
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
