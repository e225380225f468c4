package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testSearchAndMetrics: the incident list's search, the newest change, the
// KPI metrics' sums and KPI rows filtered by service and source.
func testSearchAndMetrics(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	a := kinc(bot.SEV1, "api", t0, 0, 2*time.Minute, time.Hour)
	b := kinc(bot.SEV2, "db", t0.Add(time.Hour), 0, -1, -1)
	c := kinc(bot.SEV1, "api", t0.Add(2*time.Hour), 0, 10*time.Minute, -1)
	c.Title, c.Source = "Checkout 100% down", "grafana"
	c.UpdatedAt = t0.Add(3 * time.Hour)
	a.Type, a.Fields = "security", map[string]string{"customer": "All", "quote": `it's "down"`}
	c.Type, c.Fields = "default", map[string]string{"customer": "Some"}
	create(t, s, a, b, c)

	sr, ok := s.(bot.IncidentSearcher)
	if !ok {
		t.Fatal("the store cannot search incidents")
	}
	for _, tc := range []struct {
		name  string
		q     bot.IncidentQuery
		want  []int64
		total int64
	}{
		{"all, newest first", bot.IncidentQuery{Limit: 10, Desc: true}, []int64{c.Number, b.Number, a.Number}, 3},
		{"a page", bot.IncidentQuery{Limit: 1, Offset: 1, Desc: true}, []int64{b.Number}, 3},
		{"service and severity", bot.IncidentQuery{Services: []string{"api"}, Severities: []bot.Severity{bot.SEV1}, Limit: 10}, []int64{a.Number, c.Number}, 2},
		{"source", bot.IncidentQuery{Sources: []string{"grafana"}, Limit: 10}, []int64{c.Number}, 1},
		{"status", bot.IncidentQuery{Statuses: []bot.Status{bot.StatusTriggered}, Limit: 10}, []int64{b.Number}, 1},
		{"text, any case, % as text", bot.IncidentQuery{Text: "100% DOWN", Limit: 10}, []int64{c.Number}, 1},
		{"text with a wildcard that is not one", bot.IncidentQuery{Text: "1_0", Limit: 10}, nil, 0},
		{"declared range", bot.IncidentQuery{From: t0.Add(time.Minute), To: t0.Add(2 * time.Hour), Limit: 10}, []int64{b.Number}, 1},
		{"type", bot.IncidentQuery{Types: []string{"security", "nope"}, Limit: 10}, []int64{a.Number}, 1},
		{"custom field", bot.IncidentQuery{Fields: map[string]string{"customer": "Some"}, Limit: 10}, []int64{c.Number}, 1},
		{"custom fields, every one", bot.IncidentQuery{Fields: map[string]string{"customer": "All", "quote": `it's "down"`}, Limit: 10}, []int64{a.Number}, 1},
		{"by severity", bot.IncidentQuery{Sort: bot.SortSeverity, Desc: true, Limit: 10}, []int64{b.Number, c.Number, a.Number}, 3},
	} {
		page, err := sr.SearchIncidents(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []int64
		for _, inc := range page.Incidents {
			got = append(got, inc.Number)
		}
		if page.Total != tc.total || len(got) != len(tc.want) {
			t.Errorf("%s: %v of %d, want %v of %d", tc.name, got, page.Total, tc.want, tc.total)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	last, err := sr.LastChange(ctx)
	if err != nil || !last.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("last change %v, %v; want %v", last, err, t0.Add(3*time.Hour))
	}

	mr, ok := s.(bot.KPIMetricsReader)
	if !ok {
		t.Fatal("the store cannot sum KPI metrics")
	}
	m, err := mr.KPIMetrics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Incidents[bot.SEV1][bot.StatusResolved] != 1 || m.Incidents[bot.SEV1][bot.StatusInvestigating] != 1 || m.Incidents[bot.SEV2][bot.StatusTriggered] != 1 {
		t.Errorf("incidents by severity and status: %v", m.Incidents)
	}
	// MTTA of SEV1: 2 min (bucket ≤ 2m, index 2) and 10 min (≤ 10m, index 4).
	if h := m.MTTA[bot.SEV1]; h == nil || h.Counts[2] != 1 || h.Counts[4] != 1 || h.Sum != 720 {
		t.Errorf("SEV1 MTTA histogram %+v", h)
	}
	if h := m.MTTR[bot.SEV1]; h == nil || h.Counts[3] != 1 || h.Sum != 3600 {
		t.Errorf("SEV1 MTTR histogram %+v", h)
	}

	var rows []bot.KPIRow
	q := bot.KPIQuery{From: t0, To: t0.Add(24 * time.Hour), Now: t0.Add(24 * time.Hour), Services: []string{"api"}, Sources: []string{"manual"}}
	if err := s.KPIRows(ctx, q, func(r *bot.KPIRow) error { rows = append(rows, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Service != "api" || rows[0].Source != "manual" {
		t.Errorf("KPI rows of api from manual: %+v", rows)
	}
	x, err := s.KPIExtras(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Open) != 0 {
		t.Errorf("open incidents of api from manual: %+v, want none", x.Open)
	}

	// Insights by incident type and custom field (in any case).
	for _, tc := range []struct {
		name string
		q    bot.KPIQuery
		rows int
		open int
	}{
		{"type", bot.KPIQuery{Types: []string{"default"}}, 1, 1},
		{"field", bot.KPIQuery{Fields: map[string]string{"customer": "all"}}, 1, 0},
		{"type and field", bot.KPIQuery{Types: []string{"default"}, Fields: map[string]string{"customer": "all"}}, 0, 0},
	} {
		q := tc.q
		q.From, q.To, q.Now = t0, t0.Add(24*time.Hour), t0.Add(24*time.Hour)
		var n int
		if err := s.KPIRows(ctx, q, func(*bot.KPIRow) error { n++; return nil }); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		x, err := s.KPIExtras(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n != tc.rows || len(x.Open) != tc.open {
			t.Errorf("KPIs by %s: %d rows, %d open; want %d, %d", tc.name, n, len(x.Open), tc.rows, tc.open)
		}
	}
}
