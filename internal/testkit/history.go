package testkit

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// History services and sources, for filters.
var (
	HistoryServices = []string{"api", "checkout", "db", "search", "web"}
	HistorySources  = []string{"alertmanager", "grafana", "manual"}
)

// History generates n incidents declared between from and to, the same
// for the same seed: every severity, service and source; acknowledged in
// seconds to hours (some never), resolved in minutes to days (some still
// open), so some meet their SLA targets, some miss them and some are
// still pending. Nothing happens at or after to: an acknowledgement or a
// resolution that would is left out. Incidents are numbered from 1 in
// declaration order.
func History(n int, from, to time.Time, seed uint64) []*bot.Incident {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	span := to.Sub(from)
	out := make([]*bot.Incident, 0, n)
	for i := range n {
		decl := from.Add(time.Duration(int64(span) / int64(n) * int64(i))).Add(time.Duration(r.Int64N(int64(time.Hour)))).
			Truncate(time.Second)
		if !decl.Before(to) {
			decl = to.Add(-time.Second)
		}
		inc := &bot.Incident{
			Number: int64(i + 1), Title: "Generated incident", Severity: bot.Severity(1 + r.IntN(4)),
			Service:   HistoryServices[r.IntN(len(HistoryServices))],
			Source:    HistorySources[r.IntN(len(HistorySources))],
			StartedAt: decl.Add(-time.Duration(r.IntN(600)) * time.Second), DeclaredAt: decl, UpdatedAt: decl,
			Status: bot.StatusTriggered,
		}
		// Acknowledge: 85% after 5 s to ~3 h (log-spread), else never.
		if r.Float64() < 0.85 {
			at := decl.Add(time.Duration(5*(1<<r.IntN(11))+r.IntN(60)) * time.Second)
			if at.Before(to) {
				inc.AcknowledgedAt, inc.Status = &at, bot.StatusInvestigating
			}
		}
		// Resolve: 80% after 2 min to ~10 days, else still open.
		if r.Float64() < 0.8 {
			at := decl.Add(time.Duration(120*(1<<r.IntN(13))+r.IntN(3600)) * time.Second)
			if inc.AcknowledgedAt != nil && at.Before(*inc.AcknowledgedAt) {
				at = inc.AcknowledgedAt.Add(time.Minute)
			}
			if at.Before(to) {
				inc.ResolvedAt, inc.Status = &at, bot.StatusResolved
			}
		}
		out = append(out, inc)
	}
	return out
}

// ImportHistory writes incidents into store (bot.HistoryStore).
func ImportHistory(t testing.TB, store bot.HistoryStore, incs []*bot.Incident) {
	t.Helper()
	i := 0
	_, _, err := store.ImportIncidents(context.Background(), func() (*bot.Incident, error) {
		if i == len(incs) {
			return nil, nil
		}
		i++
		return incs[i-1], nil
	})
	if err != nil {
		t.Fatalf("import history: %v", err)
	}
}
