package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxMaintenance is the longest maintenance window.
const maxMaintenance = bot.MaxMaintenance

// maxScheduleAhead is how far ahead a window may be scheduled with --at.
const maxScheduleAhead = 365 * 24 * time.Hour

// runMaintenanceStart: maintenance start DURATION MATCHERS... [REASON...]
// [--at TIME] [--comment TEXT]. Words after the matchers that are not
// matchers are the reason.
func runMaintenanceStart(ctx context.Context, r *Router, c *call) (Reply, error) {
	a, err := c.parseArgs()
	if err != nil {
		return Reply{}, err
	}
	if len(a.pos) < 2 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give a duration and at least one matcher, e.g. maintenance start 2h service=payments")
	}
	d, err := ParseDuration(a.pos[0].Text)
	if err != nil {
		return Reply{}, err
	}
	if d < time.Minute || d > maxMaintenance {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "a maintenance window lasts 1m to 30d, not %s", a.pos[0].Text)
	}
	w := MaintenanceWindow{CreatedBy: c.actor}
	rest := a.pos[1:]
	for len(rest) > 0 && (len(w.Matchers) == 0 || looksLikeMatcher(rest[0].Text)) {
		m, err := ParseMatcher(rest[0].Text)
		if err != nil {
			return Reply{}, err
		}
		w.Matchers = append(w.Matchers, m)
		rest = rest[1:]
	}
	w.Comment = text(rest)
	if s, ok := a.value("comment"); ok {
		w.Comment = strings.TrimSpace(strings.TrimSpace(w.Comment) + " " + s)
	}
	w.Comment = bot.SanitizeText(w.Comment, bot.MaxTextLen)
	now := r.now().UTC()
	w.StartsAt = now.Truncate(time.Second)
	if s, ok := a.value("at"); ok {
		at, ok := parseDateTime(s)
		if !ok {
			return Reply{}, bot.Errorf(bot.CodeInvalid, "--at %q is not a time: write 2026-12-01T22:00Z or an RFC 3339 time", bot.SanitizeTitle(s, 40))
		}
		if at.Before(now.Add(-time.Minute)) || at.After(now.Add(maxScheduleAhead)) {
			return Reply{}, bot.Errorf(bot.CodeInvalid, "--at must be from now to a year ahead, not %s", at.Format(timeLayout))
		}
		if at.After(now) {
			w.StartsAt = at
		}
	}
	w.EndsAt = w.StartsAt.Add(d)
	w, err = r.cfg.Maintenance.Start(ctx, w)
	if err != nil {
		return Reply{}, fmt.Errorf("start maintenance window: %w", err)
	}
	when := "until " + w.EndsAt.UTC().Format(timeLayout)
	if w.StartsAt.After(now) {
		when = "from " + w.StartsAt.UTC().Format(timeLayout) + " " + when
	}
	reason := ""
	if w.Comment != "" {
		reason = " (" + clip(w.Comment, 80) + ")"
	}
	return Reply{Text: fmt.Sprintf("Maintenance window #%d %s for %s%s.", w.ID, when, matcherText(w.Matchers), reason)}, nil
}

// looksLikeMatcher tells a matcher from the first word of a reason.
func looksLikeMatcher(s string) bool { return strings.ContainsAny(s, "=~") }

// runMaintenanceList: maintenance list.
func runMaintenanceList(ctx context.Context, r *Router, c *call) (Reply, error) {
	if err := c.noArgs(); err != nil {
		return Reply{}, err
	}
	ws, err := r.cfg.Maintenance.List(ctx, r.now())
	if err != nil {
		return Reply{}, fmt.Errorf("list maintenance windows: %w", err)
	}
	if len(ws) == 0 {
		return Reply{Text: "No maintenance windows.", Ephemeral: true}, nil
	}
	rows := [][]string{{"#", "FROM", "UNTIL", "BY", "MATCHERS"}}
	for _, w := range ws {
		line := matcherText(w.Matchers)
		if w.Comment != "" {
			line += " (" + clip(w.Comment, 60) + ")"
		}
		by := w.CreatedBy
		if by == "" {
			by = "-"
		}
		rows = append(rows, []string{fmt.Sprint(w.ID), w.StartsAt.UTC().Format(timeLayout), w.EndsAt.UTC().Format(timeLayout), by, line})
	}
	return Reply{Text: "Maintenance windows:\n" + columns(rows), Ephemeral: true}, nil
}

// runMaintenanceEnd: maintenance end N.
func runMaintenanceEnd(ctx context.Context, r *Router, c *call) (Reply, error) {
	id, err := parseNumber("maintenance window", c.args)
	if err != nil {
		return Reply{}, err
	}
	w, err := r.cfg.Maintenance.End(ctx, id, c.actor)
	if err != nil {
		return Reply{}, fmt.Errorf("end maintenance window #%d: %w", id, err)
	}
	return Reply{Text: fmt.Sprintf("Maintenance window #%d (%s) ended%s.", w.ID, matcherText(w.Matchers), c.who())}, nil
}

func matcherText(ms []Matcher) string { return bot.MatchersText(ms) }

// ParseMatcher reads one label matcher: name=value, name!=value,
// name=~regexp or name!~regexp (the regexp anchored to the whole value).
func ParseMatcher(s string) (Matcher, error) { return bot.ParseMatcher(s) }
