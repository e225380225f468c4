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

// Migration 26: outbox jobs written by schema 25 (a running job whose
// next_at is its lease's end, a pending one holding a coalesce key) are
// claimed, coalesced and finished as before.
func TestMigration26KeepsJobs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	lease := t0.Add(8 * time.Second).UnixMicro()
	stmts := append(storetest.UndoFrom(undo, 26),
		storetest.Q(`INSERT INTO outbox (kind, incident, order_key, coalesce_key, status, attempts, next_at, last_error, lease_owner, lease_until, created_at, target)
			VALUES ('console.post', 1, 'console:INC-1', NULL, 'running', 1, ?, '', 'gone', ?, ?, 'console')`, lease, lease, t0.UnixMicro()),
		storetest.Q(`INSERT INTO outbox (kind, incident, order_key, coalesce_key, status, attempts, next_at, last_error, created_at, target)
			VALUES ('console.card', 1, 'console:INC-1', 'card:INC-1', 'pending', 0, ?, '', ?, 'console')`, t0.UnixMicro(), t0.UnixMicro()))
	storetest.ExecAll(t, "sqlite", path, stmts...)
	s = open(t, path)
	err = s.InTx(ctx, func(tx bot.Tx) error {
		j := &bot.Job{Kind: bot.JobKindOf("console", bot.EffectCard), Incident: 1, OrderKey: "console:INC-1", CoalesceKey: "card:INC-1", NextAt: t0}
		if err := tx.Enqueue(ctx, j); err != nil {
			return err
		}
		if j.ID != 0 {
			t.Errorf("a pending job written before the migration did not coalesce a new one (id %d)", j.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Claim(ctx, "w", "", t0.Add(time.Second), time.Minute, 10); err != nil || len(got) != 0 {
		t.Fatalf("claim while the old lease holds = %v, %v", got, err)
	}
	for i, want := range []string{"console.post", "console.card"} {
		got, err := s.Claim(ctx, "w", "", t0.Add(time.Minute), time.Minute, 10)
		if err != nil || len(got) != 1 || string(got[0].Kind) != want {
			t.Fatalf("claim %d = %+v, %v; want %s", i, got, err, want)
		}
		if err := s.Complete(ctx, got[0].ID, "w"); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st.Pending != 0 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
}
