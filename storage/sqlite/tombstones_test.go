package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

// TestFinishedJobsAreSwept: a completed job is marked done, never claimed
// or counted again, and deleted with a batch of others; the ones a process
// left marked (a crash) are deleted when the database is opened again.
func TestFinishedJobsAreSwept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sweep.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	rows := func(s *sqlite.Store) (all, done int) {
		t.Helper()
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'done') FROM outbox`).Scan(&all, &done); err != nil {
			t.Fatal(err)
		}
		return all, done
	}
	const n = 40
	err = s.InTx(ctx, func(tx bot.Tx) error {
		for i := range n {
			j := &bot.Job{Kind: bot.JobKindOf("console", bot.EffectPost), OrderKey: "console:INC-1",
				CoalesceKey: fmt.Sprintf("card:%d", i), NextAt: now}
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		got, err := s.Claim(ctx, "w", "", now, time.Minute, 32)
		if err != nil || len(got) != 1 {
			t.Fatalf("claim %d = %v, %v (one job: the rest wait behind it)", i, got, err)
		}
		if err := s.Complete(ctx, got[0].ID, "w"); err != nil {
			t.Fatal(err)
		}
		if err := s.Complete(ctx, got[0].ID, "w"); err == nil {
			t.Fatalf("job %d completed twice", got[0].ID)
		}
	}
	if got, err := s.Claim(ctx, "w", "", now.Add(time.Hour), time.Minute, 32); err != nil || len(got) != 0 {
		t.Fatalf("claim after all finished = %v, %v", got, err)
	}
	st, err := s.OutboxStats(ctx, now)
	if err != nil || st.Pending != 0 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	if live, err := s.LiveJobs(ctx, 100); err != nil || len(live) != 0 {
		t.Fatalf("live jobs = %v, %v", live, err)
	}
	if all, done := rows(s); all != n-32 || done != n-32 {
		t.Fatalf("rows = %d (%d done), want the %d not swept yet", all, done, n-32)
	}
	// A job coalesced while its twin is marked done is a new job.
	if err := s.InTx(ctx, func(tx bot.Tx) error {
		j := &bot.Job{Kind: bot.JobKindOf("console", bot.EffectPost), CoalesceKey: "card:39", NextAt: now}
		if err := tx.Enqueue(ctx, j); err != nil || j.ID == 0 {
			return fmt.Errorf("enqueue = %d, %v", j.ID, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // sweeps what it marked
		t.Fatal(err)
	}
	s = open(t, path)
	if all, done := rows(s); all != 1 || done != 0 {
		t.Fatalf("after close: rows = %d (%d done), want the one pending", all, done)
	}
	// Marked by a process that did not close (as after a crash).
	if _, err := s.DB().ExecContext(ctx, `UPDATE outbox SET status = 'done'`); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, path)
	if all, _ := rows(s2); all != 0 {
		t.Fatalf("after reopening: %d rows", all)
	}
}
