package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// RunInsights runs the insights suite (KPI aggregates, digest slots,
// postmortems, export and import). open returns two handles on one fresh,
// migrated database, as two processes would have; both are closed when t
// ends.
func RunInsights(t *testing.T, open func(t *testing.T) (a, b bot.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b bot.Store)
	}{
		{"KPIAggregates", testKPIAggregates},
		{"KPIMarks", testKPIMarks},
		{"KPIEmpty", testKPIEmpty},
		{"KPIRowsOpenAndResolved", testKPIRowsOpenAndResolved},
		{"DigestSlotOnceAcrossHandles", testClaimSlot},
		{"ClaimMessageOnceAcrossHandles", testClaimMessageOnce},
		{"Postmortems", testPostmortems},
		{"ImportExport", testImportExport},
		{"ImportRollsBack", testImportRollsBack},
		{"SearchAndMetrics", testSearchAndMetrics},
		{"TitleSearch", testTitleSearch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := open(t)
			tc.fn(t, a, b)
			checkPrepared(t, a)
			checkPrepared(t, b)
		})
	}
}

// kinc is an incident of the KPI fixture: declared at decl, acknowledged
// and resolved after the given offsets (negative: never).
func kinc(sev bot.Severity, svc string, decl time.Time, detect, ack, res time.Duration) *bot.Incident {
	inc := &bot.Incident{Title: "kpi", Source: "manual", Service: svc, Severity: sev, Status: bot.StatusTriggered,
		StartedAt: decl.Add(-detect), DeclaredAt: decl, UpdatedAt: decl, Version: 1}
	if ack >= 0 {
		inc.AcknowledgedAt, inc.Status = ptr(decl.Add(ack)), bot.StatusInvestigating
	}
	if res >= 0 {
		inc.ResolvedAt, inc.Status = ptr(decl.Add(res)), bot.StatusResolved
	}
	return inc
}

func create(t *testing.T, s bot.Store, incs ...*bot.Incident) {
	t.Helper()
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, inc := range incs {
			n, err := tx.NextIncidentNumber(ctx)
			if err != nil {
				return err
			}
			inc.Number = n
			if err := tx.CreateIncident(ctx, inc); err != nil {
				return err
			}
		}
		return nil
	})
}

func testKPIAggregates(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	const m, h = time.Minute, time.Hour
	from, to := t0, t0.Add(7*24*h)
	incs := []*bot.Incident{
		kinc(bot.SEV1, "api", at(h), 2*m, 3*m, 2*h),        // met, met
		kinc(bot.SEV1, "api", at(48*h), 0, 10*m, 5*h),      // missed, missed; update breach
		kinc(bot.SEV1, "db", at(72*h), 0, 4*m, 6*h),        // met, missed; reopened
		kinc(bot.SEV1, "api", at(96*h), 0, 30*m, 10*h),     // in maintenance
		kinc(bot.SEV2, "db", to.Add(-h), 0, -1, -1),        // unacknowledged 1h: missed
		kinc(bot.SEV2, "api", to.Add(-10*m), 0, -1, -1),    // unacknowledged 10m: undecided
		kinc(bot.SEV3, "web", at(-24*h), 0, m, h),          // before the period
		kinc(bot.SEV2, "web", to.Add(2*h), 0, -1, -1),      // after it: open but not counted
		kinc(bot.SEV1, "api", at(100*h), 0, 2*m, 5400*1e9), // 90 min: histogram rounds to 89m36s
	}
	create(t, s, incs...)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, e := range []*bot.Entry{
			{Incident: incs[1].Number, At: at(50 * h), Kind: bot.EntrySLABreached, Actor: "warroom", Text: "b", Data: map[string]string{"sla": bot.SLAUpdate}},
			{Incident: incs[1].Number, At: at(51 * h), Kind: bot.EntrySLABreached, Actor: "warroom", Text: "b", Data: map[string]string{"sla": bot.SLAUpdate}},
			{Incident: incs[2].Number, At: at(74 * h), Kind: bot.EntryReopened, Actor: "bob", Text: "Reopened"},
			{Incident: incs[3].Number, At: at(97 * h), Kind: bot.EntrySLABreached, Actor: "warroom", Text: "b", Data: map[string]string{"sla": bot.SLAUpdate}},
		} {
			if err := tx.AddEntry(ctx, e); err != nil {
				return err
			}
		}
		for i, a := range []*bot.ActionItem{
			{Incident: incs[0].Number, Seq: 1, Title: "a", Kind: bot.ActionCorrective, Status: bot.ActionDone, CreatedAt: at(24 * h), DoneAt: ptr(at(48 * h))},
			{Incident: incs[6].Number, Seq: 1, Title: "b", Kind: bot.ActionCorrective, Status: bot.ActionOpen, CreatedAt: at(-100 * h), Due: ptr(at(120 * h))},
			{Incident: incs[0].Number, Seq: 2, Title: "c", Kind: bot.ActionPreventive, Status: bot.ActionOpen, CreatedAt: at(72 * h), Due: ptr(at(240 * h))},
		} {
			_ = i
			if err := tx.AddAction(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	q := bot.KPIQuery{
		From: from, To: to, Now: to, SLAs: bot.DefaultSLAs(),
		Maintenance: []bot.MaintenanceWindow{{StartsAt: at(95 * h), EndsAt: at(97 * h),
			Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "api"}}}},
	}
	// Rows: every incident of the period, grouped by service and source.
	var got []bot.KPIRow
	err := s.KPIRows(ctx, q, func(r *bot.KPIRow) error { got = append(got, *r); return nil })
	if err != nil {
		t.Fatalf("KPIRows: %v", err)
	}
	var want []bot.KPIRow
	for _, i := range []int{0, 1, 3, 8, 5, 2, 4} { // api: by declared, then db; service before source
		inc := incs[i]
		r := bot.KPIRow{Severity: inc.Severity, Service: inc.Service, Source: inc.Source, StartedAt: inc.StartedAt, DeclaredAt: inc.DeclaredAt}
		if inc.AcknowledgedAt != nil {
			r.AcknowledgedAt = *inc.AcknowledgedAt
		}
		if inc.ResolvedAt != nil {
			r.ResolvedAt = *inc.ResolvedAt
		}
		want = append(want, r)
	}
	sortRows(got)
	sortRows(want)
	diff(t, "rows", want, got)

	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i, title := range []string{"HighLatency", "DiskFull", "HighLatency", "Old"} {
			start := at(time.Duration(i+1) * h)
			if title == "Old" {
				start = at(-time.Hour)
			}
			// Titles name the instance; the noisiest alerts count by rule.
			a := &bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprint(i), GroupKey: "g-" + title, Status: bot.AlertFiring,
				Title: fmt.Sprintf("%s on web-%d", title, i), Labels: map[string]string{"alertname": title},
				StartsAt: start, Incident: incs[i].Number}
			if _, err := tx.InsertAlert(ctx, a, start); err != nil {
				return err
			}
		}
		return nil
	})
	x, err := s.KPIExtras(ctx, q)
	if err != nil {
		t.Fatalf("KPIExtras: %v", err)
	}
	diff(t, "breaches", map[bot.Severity]map[string]int64{bot.SEV1: {bot.SLAUpdate: 1}}, x.Breaches)
	if x.Reopened != 1 {
		t.Errorf("reopened = %d, want 1", x.Reopened)
	}
	diff(t, "open", []bot.AgeCount{{Severity: bot.SEV2, Bucket: 0, N: 1}, {Severity: bot.SEV2, Bucket: 1, N: 1}}, x.Open)
	diff(t, "actions", bot.ActionCounts{Opened: 2, Closed: 1, Overdue: 1}, x.Actions)
	diff(t, "noisiest alerts", []bot.NameCount{{Name: "HighLatency", N: 2}, {Name: "DiskFull", N: 1}}, x.Alerts)
	diff(t, "recurring groups", []bot.NameCount{{Name: "g-HighLatency", N: 2}}, x.RecurringGroups)
	if len(x.Groups)+len(x.Durations)+len(x.Series) != 0 {
		t.Errorf("extras carry per-incident sums: %+v", x)
	}

	q.Severities = []bot.Severity{bot.SEV2}
	got = nil
	if err := s.KPIRows(ctx, q, func(r *bot.KPIRow) error { got = append(got, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Severity != bot.SEV2 || got[1].Severity != bot.SEV2 {
		t.Errorf("SEV2 filter: rows %+v", got)
	}
}

func sortRows(rs []bot.KPIRow) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].DeclaredAt.Before(rs[j].DeclaredAt) })
}

func testKPIEmpty(t *testing.T, s, _ bot.Store) {
	q := bot.KPIQuery{From: t0, To: at(time.Hour), Now: at(time.Hour), SLAs: bot.DefaultSLAs()}
	n := 0
	if err := s.KPIRows(context.Background(), q, func(*bot.KPIRow) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("KPIRows on an empty database: %d rows, %v", n, err)
	}
	x, err := s.KPIExtras(context.Background(), q)
	if err != nil {
		t.Fatalf("KPIExtras: %v", err)
	}
	if len(x.Open)+len(x.Alerts)+len(x.Breaches) != 0 || x.Actions != (bot.ActionCounts{}) {
		t.Errorf("empty database summed to %+v", x)
	}
}

func testClaimSlot(t *testing.T, a, b bot.Store) {
	ctx := context.Background()
	slot := at(9 * time.Hour)
	var (
		mu   sync.Mutex
		wins int
		wg   sync.WaitGroup
		errs []error
	)
	for i := 0; i < 8; i++ {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.InTx(ctx, func(tx bot.Tx) error {
				first, err := tx.ClaimSlot(ctx, "weekly", slot, "replica", slot)
				if first {
					mu.Lock()
					wins++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("claims failed: %v", errors.Join(errs...))
	}
	if wins != 1 {
		t.Errorf("%d claims of one slot succeeded, want exactly 1", wins)
	}
	last, ok, err := b.LastSlot(ctx, "weekly")
	if err != nil || !ok || !last.Equal(slot) {
		t.Errorf("LastSlot = %v %v %v, want %v", last, ok, err, slot)
	}
	if _, ok, _ := a.LastSlot(ctx, "daily"); ok {
		t.Error("LastSlot of an unknown schedule found one")
	}
}

func testPostmortems(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "pm", bot.StatusResolved)
	_, err := s.Postmortem(ctx, inc.Number)
	wantNotFound(t, "Postmortem before any", err)
	for i, body := range []string{"# first", "# second"} {
		p := &bot.Postmortem{Incident: inc.Number, Body: body, GeneratedAt: at(time.Duration(i) * time.Hour)}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SavePostmortem(ctx, p) })
		if p.Version != int64(i+1) {
			t.Errorf("version after save %d = %d", i+1, p.Version)
		}
	}
	got, err := s.Postmortem(ctx, inc.Number)
	if err != nil {
		t.Fatalf("Postmortem: %v", err)
	}
	diff(t, "postmortem", &bot.Postmortem{Incident: inc.Number, Body: "# second", GeneratedAt: at(time.Hour), Version: 2}, got)
}

func feed(incs []*bot.Incident) func() (*bot.Incident, error) {
	i := 0
	return func() (*bot.Incident, error) {
		if i == len(incs) {
			return nil, nil
		}
		i++
		return incs[i-1], nil
	}
}

func testImportExport(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	var incs []*bot.Incident
	for _, n := range []int64{5, 2, 7} {
		inc := kinc(bot.SEV2, "api", at(time.Duration(n)*time.Hour), time.Minute, 5*time.Minute, time.Hour)
		inc.Number, inc.Title = n, "imported"
		inc.Links = map[string]bot.Link{bot.LinkJira: {ID: "OPS-1"}}
		incs = append(incs, inc)
	}
	created, updated, err := s.ImportIncidents(ctx, feed(incs))
	if err != nil || created != 3 || updated != 0 {
		t.Fatalf("first import = %d created, %d updated, %v; want 3, 0", created, updated, err)
	}
	incs[0].Title = "renamed"
	created, updated, err = s.ImportIncidents(ctx, feed(incs))
	if err != nil || created != 0 || updated != 1 {
		t.Fatalf("second import = %d created, %d updated, %v; want 0, 1 (the renamed one; the others are unchanged)", created, updated, err)
	}
	diff(t, "an unchanged row's incident", incs[1], mustIncident(t, s, 2))
	incs[0].Version = 2 // replaced once
	diff(t, "imported incident", incs[0], mustIncident(t, s, 5))
	// the same rows again, at a later import time: nothing changes
	again := make([]*bot.Incident, len(incs))
	for i, inc := range incs {
		c := *inc
		c.Version, c.UpdatedAt = 1, at(48*time.Hour)
		again[i] = &c
	}
	created, updated, err = s.ImportIncidents(ctx, feed(again))
	if err != nil || created != 0 || updated != 0 {
		t.Fatalf("identical import = %d created, %d updated, %v; want 0, 0", created, updated, err)
	}
	diff(t, "incident after an identical import", incs[0], mustIncident(t, s, 5))
	next := newIncident(t, s, "declared after import", bot.StatusTriggered)
	if next.Number != 8 {
		t.Errorf("first declare after importing INC-7 got INC-%d, want INC-8", next.Number)
	}
	var keys []int64
	err = s.ExportIncidents(ctx, at(4*time.Hour), func(inc *bot.Incident) error {
		keys = append(keys, inc.Number)
		return nil
	})
	if err != nil {
		t.Fatalf("ExportIncidents: %v", err)
	}
	diff(t, "exported since +4h (by number)", []int64{5, 7}, keys)
}

func testImportRollsBack(t *testing.T, s, _ bot.Store) {
	ctx := context.Background()
	i := 0
	boom := errors.New("line 3: bad severity")
	_, _, err := s.ImportIncidents(ctx, func() (*bot.Incident, error) {
		i++
		if i == 3 {
			return nil, boom
		}
		inc := kinc(bot.SEV3, "", at(0), 0, -1, -1)
		inc.Number = int64(i)
		return inc, nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("ImportIncidents error = %v, want %v", err, boom)
	}
	_, err = s.Incident(ctx, 1)
	wantNotFound(t, "incident of a failed import", err)
	if n := newIncident(t, s, "after", bot.StatusTriggered).Number; n != 1 {
		t.Errorf("counter moved by a failed import: next is INC-%d", n)
	}
}
