package kpi_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/internal/testkit"
)

// generatedHistory is two months of incidents around the 2026 DST changes
// of Europe/Berlin (29 March) with reopenings, SLA breaches (some twice),
// private incidents, incidents still open, resolved without an
// acknowledgement, and declared exactly on and just before local
// midnights. Durations are bucket middles (bot.DurationBucketMid), so
// that the store's histograms and the exact in-memory computation agree
// to the microsecond, percentiles included.
func generatedHistory(loc *time.Location) kpi.Input {
	r := rand.New(rand.NewPCG(7, 25))
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	services := []string{"api", "db", "web", "queue", "auth"}
	sources := []string{"alertmanager", "manual"}
	dur := func(max time.Duration) time.Duration {
		return bot.DurationBucketMid(time.Duration(r.Int64N(int64(max))))
	}
	in := kpi.Input{Timelines: map[int64][]bot.Entry{}}
	for n := int64(1); n <= 1500; n++ {
		decl := start.Add(time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
		switch n % 50 {
		case 0: // on a local midnight
			decl = time.Date(2026, 3, 1+r.IntN(60), 0, 0, 0, 0, loc)
		case 1: // the microsecond before one
			decl = time.Date(2026, 3, 1+r.IntN(60), 0, 0, 0, 0, loc).Add(-time.Microsecond)
		}
		decl = decl.Truncate(time.Microsecond)
		inc := &bot.Incident{Number: n, Severity: bot.Severity(1 + r.IntN(4)), Service: services[r.IntN(len(services))],
			Source: sources[r.IntN(len(sources))], DeclaredAt: decl, StartedAt: decl.Add(-dur(20 * time.Minute)),
			Status: bot.StatusClosed, Private: n%9 == 0}
		switch k := r.IntN(10); {
		case k == 0: // still open, unacknowledged
			inc.Status = bot.StatusTriggered
		case k == 1: // acknowledged, not resolved
			inc.Status = bot.StatusInvestigating
			inc.AcknowledgedAt = ptr(decl.Add(dur(2 * time.Hour)))
		case k == 2: // resolved without an acknowledgement
			inc.ResolvedAt = ptr(decl.Add(dur(48 * time.Hour)))
		default:
			res := dur(30 * time.Hour)
			inc.AcknowledgedAt = ptr(decl.Add(dur(min(res, time.Hour))))
			inc.ResolvedAt = ptr(decl.Add(res))
		}
		var tl []bot.Entry
		if r.IntN(8) == 0 {
			tl = append(tl, bot.Entry{Kind: bot.EntryReopened})
		}
		for _, sla := range []string{bot.SLAAck, bot.SLAResolve, bot.SLAUpdate, bot.SLAPostmortem} {
			if r.IntN(6) == 0 {
				tl = append(tl, bot.Entry{Kind: bot.EntrySLABreached, Data: map[string]string{"sla": sla}})
				if r.IntN(3) == 0 { // breached twice: one incident
					tl = append(tl, bot.Entry{Kind: bot.EntrySLABreached, Data: map[string]string{"sla": sla}})
				}
			}
		}
		in.Incidents = append(in.Incidents, inc)
		in.Timelines[n] = tl
	}
	for i := range 40 {
		a := bot.ActionItem{Incident: int64(1 + r.IntN(1500)), Status: bot.ActionOpen, CreatedAt: start.Add(time.Duration(i) * 36 * time.Hour)}
		if i%3 == 0 {
			a.Status, a.DoneAt = bot.ActionDone, ptr(a.CreatedAt.Add(50*time.Hour))
		} else {
			a.Due = ptr(a.CreatedAt.Add(10 * 24 * time.Hour))
		}
		in.Actions = append(in.Actions, a)
	}
	return in
}

// storeHistory writes in into a fresh SQLite store, incident numbers
// kept, and returns it.
func storeHistory(t *testing.T, in kpi.Input) bot.Store {
	t.Helper()
	ctx := context.Background()
	st := testkit.OpenStore(t, "", nil)
	err := st.InTx(ctx, func(tx bot.Tx) error {
		for _, inc := range in.Incidents {
			c := *inc
			c.Title, c.UpdatedAt, c.Version = "", c.DeclaredAt, 1 // counted without titles
			if _, err := tx.NextIncidentNumber(ctx); err != nil {
				return err
			}
			if err := tx.CreateIncident(ctx, &c); err != nil {
				return err
			}
			for _, e := range in.Timelines[inc.Number] {
				e.Incident, e.At, e.Actor, e.Text = inc.Number, inc.DeclaredAt.Add(time.Minute), "x", "x"
				if err := tx.AddEntry(ctx, &e); err != nil {
					return err
				}
			}
		}
		seqs := map[int64]int{}
		for _, a := range in.Actions {
			seqs[a.Incident]++
			a.Seq, a.Title, a.Kind = seqs[a.Incident], "a", bot.ActionCorrective
			if err := tx.AddAction(ctx, &a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCollectMatchesFullComputation: over a generated history, the
// store's figures (covering-index rows, incident_marks for breaches and
// reopenings, SQL counts of open incidents and actions) equal the full
// in-memory computation exactly, for periods cut at local midnights in
// zones with DST changes and half-hour offsets, with maintenance windows
// on one service and on none, and with filters.
func TestCollectMatchesFullComputation(t *testing.T) {
	ctx := context.Background()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	in := generatedHistory(berlin)
	st := storeHistory(t, in)
	end := time.Date(2026, 4, 20, 14, 30, 0, 0, berlin)
	windows := []bot.MaintenanceWindow{
		{StartsAt: time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), EndsAt: time.Date(2026, 3, 29, 6, 0, 0, 0, berlin),
			Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}},
		{StartsAt: time.Date(2026, 4, 10, 0, 0, 0, 0, berlin), EndsAt: time.Date(2026, 4, 10, 12, 0, 0, 0, berlin)},
		{StartsAt: time.Date(2026, 4, 16, 10, 0, 0, 0, kolkata), EndsAt: time.Date(2026, 4, 17, 10, 0, 0, 0, kolkata),
			Matchers: []bot.Matcher{{Name: "service", Op: "=~", Value: "api|web"}}},
	}
	for _, tc := range []struct {
		name   string
		loc    *time.Location
		period time.Duration
		filter func(q *bot.KPIQuery)
	}{
		{"30d Berlin", berlin, 30 * kpi.Day, nil},
		{"7d Kolkata", kolkata, 7 * kpi.Day, nil},
		{"30d Berlin SEV1 and SEV2 of db and api", berlin, 30 * kpi.Day, func(q *bot.KPIQuery) {
			q.Severities, q.Services = []bot.Severity{bot.SEV1, bot.SEV2}, []string{"db", "api"}
		}},
		{"90d UTC manual", time.UTC, 90 * kpi.Day, func(q *bot.KPIQuery) { q.Sources = []string{"manual"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := kpi.Period(end, tc.period, tc.loc)
			q := bot.KPIQuery{From: from, To: to, Now: to, SLAs: slas(), Maintenance: windows,
				Buckets: kpi.Buckets(from, to, tc.loc), Heatmap: tc.loc}
			if tc.filter != nil {
				tc.filter(&q)
			}
			prevFrom, prevTo := kpi.Previous(from, to, tc.period, tc.loc)
			pq := q
			pq.From, pq.To, pq.Now, pq.Buckets, pq.Heatmap = prevFrom, prevTo, prevTo, nil, nil
			mem := in
			want := kpi.Build(kpi.Aggregate(mem, q), kpi.Aggregate(mem, pq), q)
			cur, err := kpi.Collect(ctx, st, q)
			if err != nil {
				t.Fatal(err)
			}
			prev, err := kpi.Collect(ctx, st, pq)
			if err != nil {
				t.Fatal(err)
			}
			got := kpi.Build(cur, prev, q)
			if want.Total == 0 || want.Reopened == 0 || want.InMaintenance == 0 {
				t.Fatalf("the generated period misses a case: %d incidents, %d reopened, %d in maintenance", want.Total, want.Reopened, want.InMaintenance)
			}
			if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("store figures differ from the full computation (-full +store):\n%s", d)
			}
			// The previous period as the insights' tiles read it: the full
			// computation's figures but MTTD and the services' durations.
			tq := pq
			tq.Tiles = true
			tiles, err := kpi.Collect(ctx, st, tq)
			if err != nil {
				t.Fatal(err)
			}
			wantTiles := kpi.Build(kpi.Aggregate(mem, pq), nil, pq)
			wantTiles.All.MTTD = kpi.Stats{}
			for i := range wantTiles.Severities {
				wantTiles.Severities[i].MTTD = kpi.Stats{}
			}
			for _, rows := range [][]kpi.Row{wantTiles.Services, wantTiles.Sources} {
				for i := range rows {
					rows[i].MTTA, rows[i].MTTR = kpi.Stats{}, kpi.Stats{}
				}
			}
			if wantTiles.Total == 0 && tc.period != 90*kpi.Day { // the history starts within the 90 days before
				t.Fatal("no incidents in the previous period")
			}
			if d := cmp.Diff(wantTiles, kpi.Build(tiles, nil, tq), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("tiles of the previous period differ from the full computation (-full +tiles):\n%s", d)
			}
		})
	}
}
