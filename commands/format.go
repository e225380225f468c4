package commands

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// timeLayout is how replies show times: always UTC.
const timeLayout = "2006-01-02 15:04:05Z07:00"

// timelineLimit is the most timeline entries one reply shows (the newest).
const timelineLimit = 100

// columns renders rows as space-aligned columns; the last column is not padded.
func columns(rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row[:len(row)-1] {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// clip cuts s to n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// formatList is list's compact table: key, severity, status, age, title.
func formatList(incs []*bot.Incident, label string, now time.Time) string {
	if len(incs) == 0 {
		return "No " + label + "."
	}
	more := len(incs) > listLimit
	if more {
		incs = incs[:listLimit]
	}
	rows := [][]string{{"KEY", "SEV", "STATUS", "AGE", "TITLE"}}
	for _, inc := range incs {
		title := clip(inc.Title, 60)
		if inc.Private {
			title += " (private)"
		}
		rows = append(rows, []string{inc.Key(), inc.Severity.String(), inc.Status.Label(),
			bot.FormatDuration(now.Sub(inc.DeclaredAt).Truncate(time.Second)), title})
	}
	head := fmt.Sprintf("%d %s", len(incs), label)
	if len(incs) == 1 {
		head = "1 " + strings.Replace(label, "incidents", "incident", 1)
	}
	if more {
		head = fmt.Sprintf("The %d newest %s", listLimit, label)
	}
	return head + ":\n" + columns(rows)
}

// formatIncident is show's text: the card's facts in lines.
func formatIncident(inc *bot.Incident, now time.Time) string {
	lines := []string{fmt.Sprintf("%s %s: %s", inc.Severity, inc.Key(), inc.Title)}
	facts := []string{"Status: " + inc.Status.Label()}
	if inc.Type != "" {
		facts = append(facts, "Type: "+inc.Type)
	}
	if inc.Service != "" {
		facts = append(facts, "Service: "+inc.Service)
	}
	if inc.Private {
		facts = append(facts, "private")
	}
	facts = append(facts, "Source: "+inc.Source)
	lines = append(lines, strings.Join(facts, " · "))
	if len(inc.Fields) > 0 {
		fields := make([]string, 0, len(inc.Fields))
		for _, name := range sortedKeys(inc.Fields) {
			fields = append(fields, name+": "+inc.Fields[name])
		}
		lines = append(lines, "Fields: "+strings.Join(fields, " · "))
	}
	if len(inc.Roles) > 0 {
		roles := make([]string, 0, len(inc.Roles))
		for _, role := range sortedKeys(inc.Roles) {
			roles = append(roles, role+": "+inc.Roles[role])
		}
		lines = append(lines, "Roles: "+strings.Join(roles, " · "))
	}
	times := []string{"started " + inc.StartedAt.UTC().Format(timeLayout), "declared " + inc.DeclaredAt.UTC().Format(timeLayout)}
	for _, t := range []struct {
		name string
		at   *time.Time
	}{{"acknowledged", inc.AcknowledgedAt}, {"mitigated", inc.MitigatedAt}, {"resolved", inc.ResolvedAt}, {"closed", inc.ClosedAt}} {
		if t.at != nil {
			times = append(times, t.name+" "+t.at.UTC().Format(timeLayout))
		}
	}
	lines = append(lines, "Times: "+strings.Join(times, " · "))
	if d, ok := inc.TimeToResolve(); ok {
		lines = append(lines, "Resolved after "+bot.FormatDuration(d))
	} else {
		lines = append(lines, "Open for "+bot.FormatDuration(now.Sub(inc.DeclaredAt).Truncate(time.Second)))
	}
	if inc.Summary != "" {
		lines = append(lines, "Summary: "+inc.Summary)
	}
	if inc.Impact != "" {
		lines = append(lines, "Impact: "+inc.Impact)
	}
	for _, sys := range sortedKeys(inc.Links) {
		l := inc.Links[sys]
		line := "Link: " + sys + " " + l.ID
		if l.URL != "" {
			line += " " + l.URL
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// formatTimeline is one line per entry: UTC time, actor, text.
func formatTimeline(inc *bot.Incident, entries []bot.Entry) string {
	head := "Timeline of " + inc.Key() + ":"
	if len(entries) > timelineLimit {
		head += fmt.Sprintf(" (the %d newest of %d entries)", timelineLimit, len(entries))
		entries = entries[len(entries)-timelineLimit:]
	}
	lines := []string{head}
	for _, e := range entries {
		actor := e.Actor
		if actor == "" {
			actor = "warroom"
		}
		text := strings.ReplaceAll(e.Text, "\n", "\n    ")
		lines = append(lines, e.At.UTC().Format(timeLayout)+"  "+actor+"  "+text)
	}
	return strings.Join(lines, "\n")
}

// formatActions lists action items: number, status, kind, owner, due and
// an overdue marker, title.
func formatActions(inc *bot.Incident, items []bot.ActionItem, now time.Time) string {
	if len(items) == 0 {
		return inc.Key() + " has no action items. Add one: /incident action add TEXT [@owner] [due:DATE]"
	}
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b bot.ActionItem) int { return a.Seq - b.Seq })
	rows := make([]listedAction, len(items))
	for i, a := range items {
		rows[i] = incidentAction(a, now)
		if a.Ticket != "" {
			rows[i].title += " [" + a.Ticket + "]"
		}
	}
	return actionTable("Action items of "+inc.Key(), rows)
}

// actionTable renders one owner's (an incident's, a problem's) action
// items under head, counting the overdue ones.
func actionTable(head string, items []listedAction) string {
	rows := [][]string{{"#", "STATUS", "KIND", "OWNER", "DUE", "TITLE"}}
	overdue := 0
	for _, a := range items {
		if a.overdue {
			overdue++
		}
		owner, due := a.cells()
		rows = append(rows, []string{fmt.Sprint(a.seq), string(a.status), string(a.kind), owner, due, a.title})
	}
	if overdue > 0 {
		head += fmt.Sprintf(" (%d overdue)", overdue)
	}
	return head + ":\n" + columns(rows)
}

// formatDue shows a due date: the date alone when it is the end of a day.
func formatDue(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 23 && t.Minute() == 59 && t.Second() == 59 {
		return t.Format(time.DateOnly)
	}
	return t.Format(timeLayout)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
