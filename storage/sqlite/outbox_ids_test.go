package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// enqueueJob writes one pending console job and returns its id.
func enqueueJob(t *testing.T, s *sqlite.Store, incident int64, at time.Time) int64 {
	t.Helper()
	j := &bot.Job{Kind: bot.JobKindOf("console", bot.EffectPost), Incident: incident, NextAt: at}
	if err := s.InTx(context.Background(), func(tx bot.Tx) error { return tx.Enqueue(context.Background(), j) }); err != nil {
		t.Fatal(err)
	}
	if j.ID == 0 {
		t.Fatal("enqueue gave no id")
	}
	return j.ID
}

// claimAll leases every due job to owner.
func claimAll(t *testing.T, s *sqlite.Store, owner string, at time.Time) []bot.Job {
	t.Helper()
	jobs, err := s.Claim(context.Background(), owner, "", at, time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// completeAll claims every due job for owner and completes it.
func completeAll(t *testing.T, s *sqlite.Store, owner string, at time.Time) {
	t.Helper()
	for _, j := range claimAll(t, s, owner, at) {
		if err := s.Complete(context.Background(), j.ID, owner); err != nil {
			t.Fatal(err)
		}
	}
}

// Schema 31: outbox ids are never given twice, though the table no longer
// keeps AUTOINCREMENT's high-water mark: a posted message is keyed
// "job:<id>", and a new job given a finished one's id would find that
// message and never post. The newest jobs are finished and swept, buried,
// and the process restarted between each step.
func TestOutboxIDsNeverGivenTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	s := open(t, path)
	highest := int64(0)
	fresh := func(s *sqlite.Store, incident int64) int64 {
		t.Helper()
		id := enqueueJob(t, s, incident, t0)
		if id <= highest {
			t.Fatalf("job of INC-%d got id %d, given before (highest so far %d)", incident, id, highest)
		}
		highest = id
		return id
	}

	// Every job finished, swept at Close: the table is empty at restart.
	for i := range int64(3) {
		fresh(s, i+1)
	}
	completeAll(t, s, "w", t0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	var left int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("finished jobs left in the table: %d (%v)", left, err)
	}
	fresh(s, 4)

	// The newest job buried: it leaves the table for the dead letters.
	for _, j := range claimAll(t, s, "w", t0) {
		if err := s.Bury(ctx, j.ID, "w", "gave up"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	newest := fresh(s, 5)

	// A replayed dead job keeps its id; the newest, finished, is swept
	// with it.
	if err := s.ReplayDead(ctx, highest-1, t0); err != nil {
		t.Fatal(err)
	}
	completeAll(t, s, "w", t0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	if id := fresh(s, 6); id != newest+1 {
		t.Errorf("next id %d, want %d: ids run on from the highest given", id, newest+1)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// Migration 31 carries AUTOINCREMENT's high-water mark over: jobs finished
// and deleted before the migration keep their ids.
func TestMigration31KeepsHighestID(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC).UnixMicro()
	stmts := storetest.UndoFrom(undo, 31)
	for range 7 {
		stmts = append(stmts, storetest.Q(`INSERT INTO outbox (kind, incident, status, next_at, created_at, target)
			VALUES ('console.post', 1, 'pending', ?, ?, 'console')`, t0, t0))
	}
	stmts = append(stmts, storetest.Q(`DELETE FROM outbox WHERE id > 2`))
	storetest.ExecAll(t, "sqlite", path, stmts...)
	s = open(t, path)
	defer s.Close()
	if id := enqueueJob(t, s, 2, time.UnixMicro(t0)); id != 8 {
		t.Errorf("first job after the migration got id %d, want 8 (7 were given before it)", id)
	}
}
