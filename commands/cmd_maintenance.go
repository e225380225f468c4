package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxMaintenance is the longest maintenance window.
const maxMaintenance = 30 * 24 * time.Hour

// runMaintenanceStart: maintenance start DURATION MATCHERS... [--comment TEXT].
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
	for _, t := range a.pos[1:] {
		m, err := ParseMatcher(t.Text)
		if err != nil {
			return Reply{}, err
		}
		w.Matchers = append(w.Matchers, m)
	}
	if s, ok := a.value("comment"); ok {
		w.Comment = bot.SanitizeText(s, bot.MaxTextLen)
	}
	w.StartsAt = r.now().UTC().Truncate(time.Second)
	w.EndsAt = w.StartsAt.Add(d)
	w, err = r.cfg.Maintenance.Start(ctx, w)
	if err != nil {
		return Reply{}, fmt.Errorf("start maintenance window: %w", err)
	}
	return Reply{Text: fmt.Sprintf("Maintenance window #%d until %s for %s.", w.ID, w.EndsAt.UTC().Format(timeLayout), matcherText(w.Matchers))}, nil
}

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

func matcherText(ms []Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, " ")
}

// labelName is a Prometheus label name.
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ParseMatcher reads one label matcher: name=value, name!=value,
// name=~regexp or name!~regexp (the regexp anchored to the whole value).
func ParseMatcher(s string) (Matcher, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return Matcher{}, matcherError(s)
	}
	m := Matcher{Name: s[:i]}
	rest := s[i:]
	for _, op := range []string{"=~", "!~", "!=", "="} {
		if v, ok := strings.CutPrefix(rest, op); ok {
			m.Op, m.Value = op, v
			break
		}
	}
	if m.Op == "" || !labelName.MatchString(m.Name) {
		return Matcher{}, matcherError(s)
	}
	if m.Op == "=~" || m.Op == "!~" {
		if _, err := regexp.Compile("^(?:" + m.Value + ")$"); err != nil {
			return Matcher{}, bot.Errorf(bot.CodeInvalid, "matcher %q: %q is not a regular expression", bot.SanitizeTitle(s, 80), bot.SanitizeTitle(m.Value, 80))
		}
	}
	return m, nil
}

func matcherError(s string) error {
	return bot.Errorf(bot.CodeInvalid, "%q is not a label matcher: write name=value, name!=value, name=~regexp or name!~regexp",
		bot.SanitizeTitle(s, 80))
}
