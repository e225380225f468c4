package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testTitleSearch: a title search finds incidents by the words of their
// titles (the last word given may be the start of one), in any case and
// order, through the full-text index, which follows every insert, title
// change and import.
func testTitleSearch(t *testing.T, s, other bot.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a := kinc(bot.SEV2, "api", t0, 0, -1, -1)
	a.Title = "Checkout latency above SLO"
	b := kinc(bot.SEV1, "db", t0.Add(time.Hour), 0, -1, -1)
	b.Title = "Primary DB high-latency on node-42, replica lagging (v1.2.3)"
	c := kinc(bot.SEV3, "web", t0.Add(2*time.Hour), 0, -1, -1)
	c.Title = "Café menu déjà vu"
	create(t, s, a, b, c)

	find := func(st bot.Store, text string, q bot.IncidentQuery) []int64 {
		t.Helper()
		q.Text, q.Limit = text, 10
		page, err := st.(bot.IncidentSearcher).SearchIncidents(ctx, q)
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		var got []int64
		for _, inc := range page.Incidents {
			got = append(got, inc.Number)
		}
		if int(page.Total) != len(got) {
			t.Errorf("search %q: total %d for %v", text, page.Total, got)
		}
		return got
	}
	for _, tc := range []struct {
		text string
		want []int64
	}{
		{"latency", []int64{a.Number, b.Number}},
		{"LATENCY above", []int64{a.Number}},
		{"lat", []int64{a.Number, b.Number}},
		{"checkout sl", []int64{a.Number}},
		{"slo check", []int64{a.Number}}, // any order
		{"check slo", nil},               // only the last word may be cut short
		{"atency", nil},                  // not the start of a word
		{"latency checkout replica", nil},
		{"high-lat", []int64{b.Number}},
		{"node-42", []int64{b.Number}},
		{"42", []int64{b.Number}},
		{"v1.2", []int64{b.Number}},
		{"CAFÉ", []int64{c.Number}},
		{"deja", nil}, // accents are kept
		{"%_*\"'", nil},
		{`"checkout" OR lat*`, nil},
		{"db's", nil},
	} {
		if got := find(s, tc.text, bot.IncidentQuery{}); !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v, want %v", tc.text, got, tc.want)
		}
	}
	if got := find(other, "checkout", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}}); got != nil {
		t.Errorf("checkout among SEV1: %v, want none", got)
	}

	// Incidents with an alert of a rule, started in the query's dates.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i, al := range []struct {
			rule string
			inc  int64
			at   time.Time
		}{{"DiskFull", b.Number, t0}, {"DiskFull", c.Number, t0.Add(48 * time.Hour)}, {"HighLatency", a.Number, t0}, {"DiskFull", 0, t0}} {
			alert := &bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprint("f", i), StartsAt: al.at, Status: bot.AlertFiring,
				Title: al.rule, Rule: al.rule, Incident: al.inc}
			if _, err := tx.InsertAlert(ctx, alert, al.at); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tc := range []struct {
		q    bot.IncidentQuery
		want []int64
	}{
		{bot.IncidentQuery{AlertRule: "DiskFull"}, []int64{b.Number, c.Number}},
		{bot.IncidentQuery{AlertRule: "DiskFull", From: t0, To: t0.Add(24 * time.Hour)}, []int64{b.Number}},
		{bot.IncidentQuery{AlertRule: "HighLatency", Severities: []bot.Severity{bot.SEV1}}, nil},
		{bot.IncidentQuery{AlertRule: "Nothing"}, nil},
		{bot.IncidentQuery{Windows: []bot.Window{{From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}, {From: t0.Add(2 * time.Hour), To: t0.Add(3 * time.Hour)}}}, []int64{b.Number, c.Number}},
		{bot.IncidentQuery{Windows: []bot.Window{}}, nil},
	} {
		if got := find(other, "", tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.q, got, tc.want)
		}
	}

	// A new title replaces the old one's words in the index.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		inc, err := tx.LockIncident(ctx, a.Number)
		if err != nil {
			return err
		}
		inc.Title = "Payments gateway timeouts"
		return tx.UpdateIncident(ctx, inc)
	})
	if got := find(other, "checkout", bot.IncidentQuery{}); got != nil {
		t.Errorf("old title still found: %v", got)
	}
	if got := find(other, "gateway", bot.IncidentQuery{}); !slices.Equal(got, []int64{a.Number}) {
		t.Errorf("new title: %v, want %v", got, []int64{a.Number})
	}

	// Imported incidents, new and replaced, are indexed too.
	d := kinc(bot.SEV4, "web", t0.Add(3*time.Hour), 0, -1, -1)
	d.Number, d.Title = 100, "Imported certificate expiry"
	replaced := *c
	replaced.Title = "Imported menu outage"
	batch := []*bot.Incident{d, &replaced}
	if _, _, err := s.ImportIncidents(ctx, func() (*bot.Incident, error) {
		if len(batch) == 0 {
			return nil, nil
		}
		inc := batch[0]
		batch = batch[1:]
		return inc, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := find(other, "imported", bot.IncidentQuery{Desc: true}); !slices.Equal(got, []int64{d.Number, c.Number}) {
		t.Errorf("imported: %v, want %v", got, []int64{d.Number, c.Number})
	}
	if got := find(other, "café", bot.IncidentQuery{}); got != nil {
		t.Errorf("replaced title still found: %v", got)
	}
}
