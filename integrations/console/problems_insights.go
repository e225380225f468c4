package console

import (
	"net/url"

	"github.com/warroom/warroom/bot"
)

// problemInsights is the insights page's problem panel: the problems whose
// incidents recur and the candidate problems.
type problemInsights struct {
	*bot.ProblemInsights
	Candidates []candidateRow
}

type candidateRow struct {
	bot.ProblemCandidate
	Href string // the period's incidents of the rule or service
}

func problemInsightsView(p *bot.ProblemInsights, list func(func(url.Values)) string) *problemInsights {
	if p == nil {
		return nil
	}
	v := &problemInsights{ProblemInsights: p}
	for _, c := range p.Candidates {
		key := "service"
		if c.Kind == "rule" {
			key = "alert"
		}
		v.Candidates = append(v.Candidates, candidateRow{ProblemCandidate: c, Href: list(func(q url.Values) { q.Set(key, c.Name) })})
	}
	return v
}
