package digest

import (
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// writeProblems writes the markdown's problem section: the problems whose
// incidents recurred and the candidate problems. Nothing when there is
// neither.
func writeProblems(b *strings.Builder, p *bot.ProblemInsights) {
	if p == nil || len(p.Candidates) == 0 && !recurred(p) && p.OverdueActions == 0 {
		return
	}
	fmt.Fprintf(b, "## Problems\n\n%d open, %d overdue problem action item(s).\n\n", p.Open, p.OverdueActions)
	for _, r := range p.Recurrence {
		if r.InPeriod > 0 {
			fmt.Fprintf(b, "- %s %s (%s): %d incident(s) in the period, %d linked in all\n", r.Key, cell(r.Title), r.Status, r.InPeriod, r.Linked)
		}
	}
	if len(p.Candidates) > 0 {
		fmt.Fprintf(b, "\nCandidate problems (%d or more incidents within %s, linked to no problem):\n\n", p.CandidateRule.Count, p.CandidateRule.Window)
		for _, c := range p.Candidates {
			fmt.Fprintf(b, "- %s %s: %d incidents (%s)\n", c.Kind, cell(c.Name), c.Incidents, strings.Join(c.Keys, ", "))
		}
	}
	b.WriteString("\n")
}

func recurred(p *bot.ProblemInsights) bool {
	for _, r := range p.Recurrence {
		if r.InPeriod > 0 {
			return true
		}
	}
	return false
}

// problemLine is the chat digest's one line on problems ("" for none).
func problemLine(p *bot.ProblemInsights) string {
	if p == nil || len(p.Candidates) == 0 {
		return ""
	}
	names := make([]string, 0, len(p.Candidates))
	for i, c := range p.Candidates {
		if i == 5 {
			names = append(names, fmt.Sprintf("%d more", len(p.Candidates)-5))
			break
		}
		names = append(names, fmt.Sprintf("%s %s: %d", c.Kind, c.Name, c.Incidents))
	}
	return "Candidate problems: " + strings.Join(names, ", ")
}
