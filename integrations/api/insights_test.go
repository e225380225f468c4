package api_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/internal/testkit"
)

var histEnd = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// insightsEnv serves the API over a generated history of 3,000 incidents
// in the 70 days before histEnd, with two maintenance windows.
func insightsEnv(t *testing.T) (*env, []*bot.Incident, []bot.MaintenanceWindow) {
	t.Helper()
	kit := testkit.NewService(t, testkit.WithTargets("console"))
	incs := testkit.History(3000, histEnd.Add(-70*24*time.Hour), histEnd, 42)
	testkit.ImportHistory(t, kit.Store, incs)
	wins := []bot.MaintenanceWindow{
		{StartsAt: histEnd.Add(-20 * 24 * time.Hour), EndsAt: histEnd.Add(-18 * 24 * time.Hour), CreatedAt: histEnd},
		{StartsAt: histEnd.Add(-10 * 24 * time.Hour), EndsAt: histEnd.Add(-5 * 24 * time.Hour), CreatedAt: histEnd,
			Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}},
	}
	err := kit.Store.InTx(context.Background(), func(tx bot.Tx) error {
		for i := range wins {
			if _, err := tx.CreateMaintenance(context.Background(), &wins[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	router, err := commands.New(kit.Svc, commands.Config{}, kit.Log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Token: token, Insights: digest.NewBuilder(kit.Store, nil, nil)}, kit.Svc, router, kit.Log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{srv: srv, store: kit.Store, svc: kit.Svc}, incs, wins
}

// expected is the independent calculation: plain loops over the
// generated incidents, exact nearest-rank percentiles.
type expected struct {
	total, prev, open, inMaint int64
	bySev                      map[string]int64
	ack, res                   []time.Duration
	sla                        map[string]map[string][3]int64 // sev → kind → met, missed, pending
}

func calculate(incs []*bot.Incident, wins []bot.MaintenanceWindow, from, to time.Time, keep func(*bot.Incident) bool) expected {
	e := expected{bySev: map[string]int64{}, sla: map[string]map[string][3]int64{}}
	for _, s := range bot.Severities {
		e.bySev[s.String()] = 0
		e.sla[s.String()] = map[string][3]int64{}
	}
	slas := bot.DefaultSLAs()
	decide := func(decl time.Time, done *time.Time, target time.Duration) int {
		switch {
		case done != nil && done.Sub(decl) <= target:
			return 0
		case done != nil || to.Sub(decl) > target:
			return 1
		}
		return 2
	}
	n := to.Sub(from)
	for _, inc := range incs {
		if !keep(inc) {
			continue
		}
		if inc.ResolvedAt == nil && inc.DeclaredAt.Before(to) {
			e.open++
		}
		if !inc.DeclaredAt.Before(from.Add(-n)) && inc.DeclaredAt.Before(from) {
			e.prev++
		}
		if inc.DeclaredAt.Before(from) || !inc.DeclaredAt.Before(to) {
			continue
		}
		sev := inc.Severity.String()
		e.total++
		e.bySev[sev]++
		if inc.AcknowledgedAt != nil {
			e.ack = append(e.ack, inc.AcknowledgedAt.Sub(inc.DeclaredAt))
		}
		if inc.ResolvedAt != nil {
			e.res = append(e.res, inc.ResolvedAt.Sub(inc.DeclaredAt))
		}
		inWindow := false
		for _, w := range wins {
			if !inc.DeclaredAt.Before(w.StartsAt) && inc.DeclaredAt.Before(w.EndsAt) &&
				(len(w.Matchers) == 0 || w.Matchers[0].Value == inc.Service) {
				inWindow = true
			}
		}
		if inWindow {
			e.inMaint++
			continue
		}
		ackAt := inc.AcknowledgedAt
		if ackAt == nil {
			ackAt = inc.ResolvedAt
		}
		for kind, out := range map[string]int{
			digest.SLAAcknowledge: decide(inc.DeclaredAt, ackAt, slas[inc.Severity].Acknowledge),
			digest.SLAResolve:     decide(inc.DeclaredAt, inc.ResolvedAt, slas[inc.Severity].Resolve),
		} {
			c := e.sla[sev][kind]
			c[out]++
			e.sla[sev][kind] = c
		}
	}
	return e
}

// nearestRank is the smallest value with at least ceil(p·n) values at or
// below it.
func nearestRank(v []time.Duration, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	k := int(math.Ceil(p * float64(len(s))))
	return s[max(k, 1)-1].Seconds()
}

func mean(v []time.Duration) float64 {
	var sum time.Duration
	for _, d := range v {
		sum += d
	}
	if len(v) == 0 {
		return 0
	}
	return sum.Seconds() / float64(len(v))
}

// close enough: the README's bound, 0.8% (durations above 128 s are kept
// in histogram buckets).
func near(got, want float64) bool { return math.Abs(got-want) <= 0.008*want+1e-6 }

func TestInsightsAgainstIndependentCalculation(t *testing.T) {
	e, incs, wins := insightsEnv(t)
	for _, c := range []struct {
		name  string
		query url.Values
		keep  func(*bot.Incident) bool
	}{
		{"all", url.Values{}, func(*bot.Incident) bool { return true }},
		{"api sev1-2", url.Values{"service": {"api"}, "severity": {"sev1,SEV2"}},
			func(i *bot.Incident) bool { return i.Service == "api" && i.Severity <= bot.SEV2 }},
		{"db or web from grafana", url.Values{"service": {"db", "web"}, "source": {"grafana"}},
			func(i *bot.Incident) bool { return (i.Service == "db" || i.Service == "web") && i.Source == "grafana" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := c.query
			q.Set("period", "30d")
			q.Set("now", histEnd.Format(time.RFC3339))
			code, body, _ := e.do(t, call{method: "GET", path: "/api/v1/insights?" + q.Encode()})
			if code != 200 {
				t.Fatalf("GET insights: %d %v", code, body)
			}
			raw, _ := json.Marshal(body)
			var got digest.Insights
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			from := histEnd.Add(-30 * 24 * time.Hour)
			if !got.From.Equal(from) || !got.To.Equal(histEnd) {
				t.Errorf("period %s – %s, want %s – %s", got.From, got.To, from, histEnd)
			}
			want := calculate(incs, wins, from, histEnd, c.keep)
			if got.Incidents.Total != want.total || got.Previous == nil || got.Previous.Incidents.Total != want.prev {
				t.Errorf("incidents %d (previous %+v), want %d (previous %d)", got.Incidents.Total, got.Previous, want.total, want.prev)
			}
			sevs := map[string]bool{}
			for _, s := range got.Filters.Severity {
				sevs[s] = true
			}
			for sev, n := range want.bySev {
				if (len(sevs) == 0 || sevs[sev]) && got.Incidents.BySeverity[sev] != n {
					t.Errorf("%s: %d incidents, want %d", sev, got.Incidents.BySeverity[sev], n)
				}
			}
			if got.OpenIncidents != want.open || got.Incidents.InMaintenance != want.inMaint {
				t.Errorf("open %d in maintenance %d, want %d and %d", got.OpenIncidents, got.Incidents.InMaintenance, want.open, want.inMaint)
			}
			if want.inMaint == 0 && c.name == "all" {
				t.Error("the history has no incident in a maintenance window: the test checks nothing")
			}
			for _, m := range []struct {
				name string
				got  digest.Seconds
				v    []time.Duration
			}{{"MTTA", got.MTTASeconds, want.ack}, {"MTTR", got.MTTRSeconds, want.res}} {
				if m.got.N != int64(len(m.v)) || !near(m.got.P50, nearestRank(m.v, 0.5)) || !near(m.got.P90, nearestRank(m.v, 0.9)) ||
					math.Abs(m.got.Mean-mean(m.v)) > 1e-3 {
					t.Errorf("%s %+v, want n %d p50 %.0f p90 %.0f mean %.3f", m.name, m.got, len(m.v),
						nearestRank(m.v, 0.5), nearestRank(m.v, 0.9), mean(m.v))
				}
			}
			var pending int64
			for sev, kinds := range want.sla {
				if len(sevs) > 0 && !sevs[sev] {
					continue
				}
				for kind, w := range kinds {
					g := got.SLA[sev][kind]
					if g.Met != w[0] || g.Missed != w[1] || g.Pending != w[2] {
						t.Errorf("%s %s: %+v, want met %d missed %d pending %d", sev, kind, g, w[0], w[1], w[2])
					}
					pending += w[2]
				}
			}
			if c.name == "all" && pending == 0 {
				t.Error("no pending SLA in the history: the test checks nothing")
			}
			var series, heat int64
			for _, b := range got.Series {
				for _, n := range b.BySeverity {
					series += n
				}
			}
			for _, day := range got.Heatmap {
				for _, n := range day {
					heat += n
				}
			}
			if series != want.total || heat != want.total {
				t.Errorf("series sum %d heatmap sum %d, want %d", series, heat, want.total)
			}
		})
	}
}

func TestInsightsBadQuery(t *testing.T) {
	e, _, _ := insightsEnv(t)
	for _, q := range []string{"period=soon", "now=yesterday", "from=2026-05-01T00:00:00Z&to=2026-04-01T00:00:00Z", "severity=sev9", "tz=Mars/Base"} {
		if code, body, _ := e.do(t, call{method: "GET", path: "/api/v1/insights?" + q}); code != 400 {
			t.Errorf("%s: %d %v, want 400", q, code, body)
		}
	}
}
