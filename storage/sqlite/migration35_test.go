package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// records reads an incident's timeline, its audit records and every
// audit record.
func records(t *testing.T, s bot.Store, number int64) (tl []bot.Entry, of, all []bot.AuditRecord) {
	t.Helper()
	ctx := context.Background()
	tl, err := s.Timeline(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	if of, err = s.Audit(ctx, bot.AuditFilter{Incident: number}); err != nil {
		t.Fatal(err)
	}
	if all, err = s.Audit(ctx, bot.AuditFilter{}); err != nil {
		t.Fatal(err)
	}
	return tl, of, all
}

// Migration 35 keeps the timeline entries and audit records written
// before it, with their ids, and what is written after it continues both
// numberings past every id of either table, in one order by id.
func TestRecordsAcrossSchema35(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	wantTL, wantOf, wantAll := records(t, s, inc.Number)
	if len(wantTL) < 2 || len(wantOf) < 2 {
		t.Fatalf("declare and ack wrote %d entries and %d records", len(wantTL), len(wantOf))
	}
	s.Close()

	// Back to schema 34: every record in audit; one more record without an
	// incident whose id is past every entry's.
	storetest.ExecAll(t, "sqlite", path, append(storetest.UndoFrom(undo, 35),
		storetest.Q(`INSERT INTO audit (id, at, actor, action, incident, before, after) VALUES (500, 1, 'api', 'token.create', NULL, 'null', '{"name":"ci"}')`))...)
	reopen := reopener(t, path)
	s2 := reopen()
	tl, of, all := records(t, s2, inc.Number)
	if !reflect.DeepEqual(tl, wantTL) || !reflect.DeepEqual(of, wantOf) {
		t.Fatalf("after the migration:\ntimeline %+v\nwant     %+v\naudit %+v\nwant  %+v", tl, wantTL, of, wantOf)
	}
	if len(all) != len(wantAll)+1 || !reflect.DeepEqual(all[:len(wantAll)], wantAll) || all[len(all)-1].ID != 500 {
		t.Fatalf("every record after the migration: %+v, want %+v and the token's", all, wantAll)
	}

	svc2, err := bot.NewService(bot.Config{}, s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc2.Resolve(ctx, bot.Cause{}, inc.Number, "bob", "rolled back"); err != nil {
		t.Fatal(err)
	}
	tl2, of2, all2 := records(t, s2, inc.Number)
	if len(tl2) <= len(tl) || !reflect.DeepEqual(tl2[:len(tl)], tl) || len(of2) <= len(of) || !reflect.DeepEqual(of2[:len(of)], of) {
		t.Fatalf("after a resolve: timeline %+v, records %+v", tl2, of2)
	}
	for _, e := range tl2[len(tl):] {
		if e.ID <= 500 || e.Kind == "" {
			t.Errorf("new entry %+v: want an id past 500 and a kind", e)
		}
	}
	entryIDs := map[int64]bool{}
	for _, e := range tl2 {
		entryIDs[e.ID] = true
	}
	for _, a := range of2[len(of):] {
		if a.ID <= 500 || a.Action == "" {
			t.Errorf("new record %+v: want an id past 500 and an action", a)
		}
		if !entryIDs[a.ID] { // the command's record in its entry's row
			t.Errorf("new record %+v: not in the row of the resolve's entry (entries %+v)", a, tl2)
		}
	}
	for i := 1; i < len(all2); i++ {
		if all2[i].ID <= all2[i-1].ID {
			t.Fatalf("records out of order: %d after %d", all2[i].ID, all2[i-1].ID)
		}
	}
	if len(all2) != len(all)+len(of2)-len(of) {
		t.Fatalf("every record after a resolve: %d, want %d", len(all2), len(all)+len(of2)-len(of))
	}
	// The new records are in timeline, in their entries' rows; audit kept
	// only what it held.
	var inTimeline, inAudit int
	db := s2.(*sqlite.Store).DB()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM timeline WHERE action IS NOT NULL`).Scan(&inTimeline); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit`).Scan(&inAudit); err != nil {
		t.Fatal(err)
	}
	if inTimeline != len(of2)-len(of) || inAudit != len(all) {
		t.Fatalf("%d records in timeline, %d in audit; want %d and %d", inTimeline, inAudit, len(of2)-len(of), len(all))
	}
}

// A record naming an incident that does not exist (an entry point's
// record of a refused command) is kept and listed like any other, though
// timeline rows must name an incident that does.
func TestAuditOfUnknownIncident(t *testing.T) {
	ctx := context.Background()
	s := reopener(t, filepath.Join(t.TempDir(), "w.db"))()
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordAudit(ctx, "api", "token.act", 999, map[string]any{"token": "ci"}); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Audit(ctx, bot.AuditFilter{Incident: 999})
	if err != nil || len(recs) != 1 || recs[0].Action != "token.act" || recs[0].Incident != 999 {
		t.Fatalf("records of INC-999: %+v, %v", recs, err)
	}
}
