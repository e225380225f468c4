package digest

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// Title is the digest's heading.
func (d *Digest) Title() string {
	t := d.Options.Title
	if t == "" {
		t = "Incident digest"
	}
	if d.Options.Period == 0 {
		return t + ": all time"
	}
	return t + ": last " + kpi.FormatPeriod(d.Options.Period)
}

// Span is the period in the digest's time zone.
func (d *Digest) Span() string {
	loc := d.Options.Location
	f := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	if d.Options.Period == 0 {
		return "until " + f(d.Report.To) + " " + loc.String()
	}
	return f(d.Report.From) + " → " + f(d.Report.To) + " " + loc.String()
}

// Markdown renders the digest as a markdown document.
func Markdown(d *Digest) string {
	var b strings.Builder
	r := &d.Report
	o := d.Options
	fmt.Fprintf(&b, "# %s\n\n%s", d.Title(), d.Span())
	if len(o.Severities) > 0 {
		fmt.Fprintf(&b, ", %s only", sevList(o.Severities))
	}
	b.WriteString("\n\n")
	if o.has(SectionSummary) {
		b.WriteString(headline(d) + "\n\n")
	}
	if o.has(SectionSeverity) {
		b.WriteString("## Incidents by severity\n\n")
		b.WriteString("| Severity | Incidents | Change | MTTD median | MTTA median / p90 | MTTR median / p90 |\n|---|---|---|---|---|---|\n")
		for _, row := range append(r.Severities, r.All) {
			name := row.Severity.String()
			if row.Severity == 0 {
				name = "**All**"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", name, row.Count, change(row.Count, row.Prev, o.Period),
				one(row.MTTD), pair(row.MTTA), pair(row.MTTR))
		}
		b.WriteString("\n")
	}
	if o.has(SectionSLA) {
		b.WriteString("## SLA compliance\n\n")
		b.WriteString("| Severity | Acknowledge | Resolve | Update cadence | Postmortem due |\n|---|---|---|---|---|\n")
		for _, row := range r.Severities {
			sla := d.SLAs[row.Severity]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.Severity, comp(row.Ack, sla.Acknowledge),
				comp(row.Resolve, sla.Resolve), comp(row.Update, sla.UpdateCadence), comp(row.Postmortem, sla.PostmortemDue))
		}
		if r.InMaintenance > 0 {
			fmt.Fprintf(&b, "\n%d incident(s) declared during maintenance windows are left out.\n", r.InMaintenance)
		}
		b.WriteString("\n")
	}
	if o.has(SectionOpen) {
		b.WriteString("## Open incidents by age\n\n")
		if len(r.Open) == 0 {
			b.WriteString("None.\n\n")
		} else {
			b.WriteString("| Severity | " + strings.Join(ageLabels(), " | ") + " |\n|---|---|---|---|---|\n")
			for _, row := range r.Open {
				cells := make([]string, len(row.ByAge))
				for i, n := range row.ByAge {
					cells[i] = fmt.Sprint(n)
				}
				fmt.Fprintf(&b, "| %s | %s |\n", row.Severity, strings.Join(cells, " | "))
			}
			b.WriteString("\n")
		}
	}
	if o.has(SectionNoisy) {
		b.WriteString("## Noisiest\n\n")
		fmt.Fprintf(&b, "- Alerts: %s\n- Services: %s\n\n", names(r.NoisyAlerts, "×"), names(r.NoisyServices, ": "))
	}
	if o.has(SectionRecurring) {
		b.WriteString("## Recurring\n\n")
		if len(r.Recurring) == 0 && len(r.RecurringGroups) == 0 && r.Reopened == 0 {
			b.WriteString("No service or alert group had more than one incident.\n\n")
		} else {
			for _, n := range r.Recurring {
				fmt.Fprintf(&b, "- %s: %d incidents\n", n.Name, n.N)
			}
			for _, n := range r.RecurringGroups {
				fmt.Fprintf(&b, "- alert group %s: %d incidents\n", n.Name, n.N)
			}
			if r.Reopened > 0 {
				fmt.Fprintf(&b, "- %d incident(s) were reopened\n", r.Reopened)
			}
			b.WriteString("\n")
		}
	}
	if o.has(SectionActions) {
		a := r.Actions
		fmt.Fprintf(&b, "## Action items\n\n%d opened, %d closed, %d overdue.\n\n", a.Opened, a.Closed, a.Overdue)
	}
	if o.has(SectionServices) && len(r.Services) > 0 {
		b.WriteString("## Services\n\n| Service | Incidents | Change | MTTA median | MTTR median |\n|---|---|---|---|---|\n")
		for i, s := range r.Services {
			if i == 10 {
				fmt.Fprintf(&b, "| … %d more | | | | |\n", len(r.Services)-10)
				break
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", cell(orNone(s.Name)), s.Count, change(s.Count, s.Prev, o.Period), one(s.MTTA), one(s.MTTR))
		}
		b.WriteString("\n")
	}
	writeProblems(&b, d.Problems)
	if o.has(SectionChart) && d.Chart != nil {
		name := d.ChartFile
		if name == "" {
			name = ChartName
		}
		fmt.Fprintf(&b, "Chart: %s (incidents per %s by severity, MTTR median and p90).\n", name, chartUnit(r.Series))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// chartUnit is what one bar of the chart counts.
func chartUnit(s []kpi.Bucket) string {
	if len(s) > 0 {
		switch d := s[0].End.Sub(s[0].Start); {
		case d > 8*kpi.Day:
			return "month"
		case d > 2*kpi.Day:
			return "week"
		}
	}
	return "day"
}

// Headline is the digest's one-line summary.
func Headline(d *Digest) string { return headline(d) }

// headline is the one-line summary.
func headline(d *Digest) string {
	r := &d.Report
	open := int64(0)
	for _, row := range r.Open {
		for _, n := range row.ByAge {
			open += n
		}
	}
	s := fmt.Sprintf("%d incidents", r.Total)
	if c := change(r.Total, r.Prev, d.Options.Period); c != "" && d.Options.Period > 0 {
		s += fmt.Sprintf(" (%s vs %d the period before)", c, r.Prev)
	}
	s += fmt.Sprintf(" · MTTA %s · MTTR %s · %d open", pair(r.All.MTTA), pair(r.All.MTTR), open)
	if p, ok := r.All.Ack.Percent(); ok {
		s += fmt.Sprintf(" · acknowledged in time %.0f%%", p)
	}
	return s
}

func sevList(s []bot.Severity) string {
	var out []string
	for _, v := range s {
		out = append(out, v.String())
	}
	return strings.Join(out, ", ")
}

func change(cur, prev int64, period time.Duration) string {
	if period == 0 {
		return "–"
	}
	pct, ok := kpi.Change(cur, prev)
	if !ok {
		if cur == 0 {
			return "–"
		}
		return "new"
	}
	return fmt.Sprintf("%+.0f%%", pct)
}

func dur(d time.Duration) string {
	if d >= time.Hour {
		return bot.FormatDuration(d.Round(time.Minute))
	}
	return bot.FormatDuration(d.Round(time.Second))
}

func one(s kpi.Stats) string {
	if s.N == 0 {
		return "–"
	}
	return dur(s.Median)
}

func pair(s kpi.Stats) string {
	if s.N == 0 {
		return "–"
	}
	return dur(s.Median) + " / " + dur(s.P90)
}

// comp renders a compliance: "2/3 (67%)", "–" with no target or nothing
// decided.
func comp(c kpi.Compliance, target time.Duration) string {
	if target <= 0 {
		return "no target"
	}
	p, ok := c.Percent()
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", c.Met, c.Total(), p)
}

func ageLabels() []string {
	var out []string
	prev := ""
	for _, b := range bot.AgeBuckets {
		if prev == "" {
			out = append(out, "under "+short(b))
		} else {
			out = append(out, prev+"–"+short(b))
		}
		prev = short(b)
	}
	return append(out, "over "+prev)
}

// short renders whole days and hours briefly: 1h, 7d.
func short(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return bot.FormatDuration(d)
}

func names(ns []bot.NameCount, sep string) string {
	if len(ns) == 0 {
		return "none"
	}
	var out []string
	for _, n := range ns {
		if sep == "×" {
			out = append(out, fmt.Sprintf("%s ×%d", orNone(n.Name), n.N))
		} else {
			out = append(out, fmt.Sprintf("%s%s%d", orNone(n.Name), sep, n.N))
		}
	}
	return strings.Join(out, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
