package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// marksFixture declares three incidents in March 2026 and records two
// breaches of the first (one SLA twice), the reopening of the second and a
// breach of the third; the third is then moved out of the period by a
// change of its declaration time. It returns the period's query.
func marksFixture(t *testing.T, s bot.Store) bot.KPIQuery {
	t.Helper()
	const h = time.Hour
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	a := kinc(bot.SEV1, "api", start.Add(h), 0, time.Minute, 2*h)
	b := kinc(bot.SEV2, "db", start.Add(2*h), 0, time.Minute, 2*h)
	c := kinc(bot.SEV1, "web", start.Add(3*h), 0, time.Minute, 2*h)
	create(t, s, a, b, c)
	breach := func(n int64, sla string, at time.Time) *bot.Entry {
		return &bot.Entry{Incident: n, At: at, Kind: bot.EntrySLABreached, Actor: "warroom", Text: "breached", Data: map[string]string{"sla": sla}}
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, e := range []*bot.Entry{
			breach(a.Number, bot.SLAUpdate, start.Add(2*h)), breach(a.Number, bot.SLAUpdate, start.Add(3*h)),
			breach(a.Number, bot.SLAResolve, start.Add(4*h)),
			{Incident: b.Number, At: start.Add(5 * h), Kind: bot.EntryReopened, Actor: "bob", Text: "Reopened"},
			{Incident: b.Number, At: start.Add(6 * h), Kind: bot.EntryNote, Actor: "bob", Text: "a note"},
			breach(c.Number, bot.SLAAck, start.Add(4*h)),
		} {
			if err := tx.AddEntry(ctx, e); err != nil {
				return err
			}
		}
		moved, err := tx.LockIncident(ctx, c.Number)
		if err != nil {
			return err
		}
		moved.DeclaredAt = start.Add(-48 * h)
		return tx.UpdateIncident(ctx, moved)
	})
	return bot.KPIQuery{From: start, To: start.Add(7 * 24 * h), Now: start.Add(7 * 24 * h), SLAs: bot.DefaultSLAs()}
}

// checkMarks asserts the breaches and reopenings marksFixture's period
// holds.
func checkMarks(t *testing.T, s bot.Store, q bot.KPIQuery, when string) {
	t.Helper()
	x, err := s.KPIExtras(context.Background(), q)
	if err != nil {
		t.Fatalf("KPIExtras %s: %v", when, err)
	}
	diff(t, "breaches "+when, map[bot.Severity]map[string]int64{bot.SEV1: {bot.SLAUpdate: 1, bot.SLAResolve: 1}}, x.Breaches)
	if x.Reopened != 1 {
		t.Errorf("reopened %s = %d, want 1", when, x.Reopened)
	}
	q.From = q.From.Add(-72 * time.Hour)
	if x, err = s.KPIExtras(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	diff(t, "breaches with the moved incident "+when, map[bot.Severity]map[string]int64{bot.SEV1: {bot.SLAUpdate: 1, bot.SLAResolve: 1, bot.SLAAck: 1}}, x.Breaches)
}

// testKPIMarks: a period's breaches and reopenings follow the timeline
// entries written and the declaration times changed in the same
// transactions, each SLA counted once per incident.
func testKPIMarks(t *testing.T, s, _ bot.Store) {
	checkMarks(t, s, marksFixture(t, s), "")
}

// MarksBackfill checks that migration 25 fills incident_marks from the
// timeline already there: rewind undoes the migration on the closed
// database of open's first store.
func MarksBackfill(t *testing.T, open func() bot.Store, rewind func()) {
	t.Helper()
	s := open()
	q := marksFixture(t, s)
	closeStore(t, s)
	rewind()
	checkMarks(t, open(), q, "after the migration")
}
