package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// formatProblem renders a problem for /problem show.
func formatProblem(v *bot.ProblemView, now time.Time, public string) string {
	p := v.Problem
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n", p.Key(), p.Title, p.Status)
	owner := "none"
	if p.Owner != "" {
		owner = "@" + p.Owner
	}
	fmt.Fprintf(&b, "Owner: %s. Recorded %s", owner, p.CreatedAt.UTC().Format(timeLayout))
	if p.CreatedBy != "" {
		b.WriteString(" by " + p.CreatedBy)
	}
	b.WriteString(", updated " + p.UpdatedAt.UTC().Format(timeLayout) + ".\n")
	for _, f := range []struct{ name, v string }{{"Root cause", p.RootCause}, {"Workaround", p.Workaround}} {
		if f.v == "" {
			f.v = "not known yet"
		}
		fmt.Fprintf(&b, "%s: %s\n", f.name, f.v)
	}
	if len(v.Incidents)+v.Hidden == 0 {
		fmt.Fprintf(&b, "No linked incidents. Link one: /problem link %s INC-42\n", p.Key())
	} else {
		fmt.Fprintf(&b, "Incidents (%d):\n", len(v.Incidents)+v.Hidden)
		rows := [][]string{{"KEY", "SEV", "STATUS", "DECLARED", "TITLE"}}
		for _, inc := range v.Incidents {
			rows = append(rows, []string{inc.Key(), inc.Severity.String(), string(inc.Status), inc.DeclaredAt.UTC().Format(time.DateOnly), clip(inc.Title, 60)})
		}
		b.WriteString(columns(rows))
		if v.Hidden > 0 {
			fmt.Fprintf(&b, "\n(and %d private incident(s) you may not see)", v.Hidden)
		}
		b.WriteString("\n")
	}
	b.WriteString(formatProblemActions(p.Key(), v.Actions, now))
	if public != "" {
		b.WriteString("\n" + public + "/problems/" + p.Key())
	}
	return b.String()
}

// formatProblemActions renders a problem's action items.
func formatProblemActions(key string, items []bot.ProblemAction, now time.Time) string {
	if len(items) == 0 {
		return key + " has no action items. Add one: /problem action add " + key + " TEXT [@owner] [due:DATE]"
	}
	rows := make([]listedAction, len(items))
	for i, a := range items {
		rows[i] = problemAction(a, now)
	}
	return actionTable("Action items of "+key, rows)
}
