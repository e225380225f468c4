package digest

import (
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// ChartName is the file name of a digest's chart attachment.
const ChartName = "digest.png"

// Message renders the digest for chat: headline figures as fields, the
// sections as short lines, the chart as an attachment.
func Message(d *Digest) bot.Message {
	r := &d.Report
	o := d.Options
	m := bot.Message{Title: d.Title(), Footer: d.Span()}
	if o.has(SectionSummary) {
		m.Fields = append(m.Fields,
			bot.Field{Label: "Incidents", Value: fmt.Sprintf("%d (%s)", r.Total, change(r.Total, r.Prev, o.Period))},
			bot.Field{Label: "MTTA median / p90", Value: pair(r.All.MTTA)},
			bot.Field{Label: "MTTR median / p90", Value: pair(r.All.MTTR)},
			bot.Field{Label: "Acknowledged in time", Value: comp(r.All.Ack, 1)},
			bot.Field{Label: "Resolved in time", Value: comp(r.All.Resolve, 1)},
			bot.Field{Label: "Action items overdue", Value: fmt.Sprint(r.Actions.Overdue)},
		)
	}
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	if o.has(SectionSeverity) {
		for _, row := range r.Severities {
			if row.Count == 0 && row.Prev == 0 {
				continue
			}
			add("%s: %d (%s) · MTTA %s · MTTR %s", row.Severity, row.Count, change(row.Count, row.Prev, o.Period), pair(row.MTTA), pair(row.MTTR))
		}
	}
	if o.has(SectionSLA) {
		for _, row := range r.Severities {
			sla := d.SLAs[row.Severity]
			if row.Ack.Total()+row.Resolve.Total()+row.Update.Total()+row.Postmortem.Total() == 0 {
				continue
			}
			add("SLA %s: ack %s · resolve %s · updates %s · postmortem %s", row.Severity, comp(row.Ack, sla.Acknowledge),
				comp(row.Resolve, sla.Resolve), comp(row.Update, sla.UpdateCadence), comp(row.Postmortem, sla.PostmortemDue))
		}
		if r.InMaintenance > 0 {
			add("%d incident(s) in maintenance windows left out of SLA figures", r.InMaintenance)
		}
	}
	if o.has(SectionOpen) {
		var parts []string
		labels := ageLabels()
		for _, row := range r.Open {
			for i, n := range row.ByAge {
				if n > 0 {
					parts = append(parts, fmt.Sprintf("%s %s: %d", row.Severity, labels[i], n))
				}
			}
		}
		if len(parts) > 0 {
			add("Open by age: %s", strings.Join(parts, ", "))
		} else {
			add("Open: none")
		}
	}
	if o.has(SectionNoisy) {
		add("Noisiest alerts: %s", names(r.NoisyAlerts, "×"))
		add("Noisiest services: %s", names(r.NoisyServices, ": "))
	}
	if o.has(SectionRecurring) && len(r.Recurring) > 0 {
		add("Recurring: %s", names(r.Recurring, ": "))
	}
	if o.has(SectionRecurring) && len(r.RecurringGroups) > 0 {
		add("Recurring alert groups: %s", names(r.RecurringGroups, ": "))
	}
	if o.has(SectionActions) {
		add("Action items: %d opened, %d closed, %d overdue", r.Actions.Opened, r.Actions.Closed, r.Actions.Overdue)
	}
	if p := d.Problems; p != nil && p.OverdueActions > 0 {
		add("Problem action items overdue: %d", p.OverdueActions)
	}
	if line := problemLine(d.Problems); line != "" {
		add("%s", line)
	}
	m.Text = strings.Join(lines, "\n")
	if d.Chart != nil {
		m.Attachments = []bot.Attachment{{Name: ChartName, ContentType: "image/png",
			Title: "Incidents per day by severity, and MTTR", Data: d.Chart}}
	}
	return m
}
