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

// Migration 36 answers the newest change to any incident from counters'
// 'changed' row, which it fills from the incidents there and triggers keep
// as incidents are written; none before the first incident.
func TestLastChangeAcrossSchema36(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if last, err := s.LastChange(ctx); err != nil || !last.IsZero() {
		t.Fatalf("last change of an empty database: %v, %v", last, err)
	}
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var incs []*bot.Incident
	for range 3 {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		incs = append(incs, inc)
	}
	s.Close()
	storetest.ExecAll(t, "sqlite", path, storetest.UndoFrom(undo, 36)...)

	s2 := reopener(t, path)().(*sqlite.Store)
	newest := func() time.Time {
		var v int64
		if err := s2.DB().QueryRowContext(ctx, `SELECT MAX(updated_at) FROM incidents`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return time.UnixMicro(v).UTC()
	}
	if last, err := s2.LastChange(ctx); err != nil || !last.Equal(newest()) {
		t.Fatalf("last change after the migration %v, %v; want %v", last, err, newest())
	}
	svc2, err := bot.NewService(bot.Config{}, s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc2.Ack(ctx, bot.Cause{}, incs[0].Number, "bob"); err != nil { // the oldest incident changes
		t.Fatal(err)
	}
	inc, err := s2.Incident(ctx, incs[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	if last, err := s2.LastChange(ctx); err != nil || !last.Equal(inc.UpdatedAt) || !last.Equal(newest()) {
		t.Fatalf("last change after an ack %v, %v; want %v", last, err, inc.UpdatedAt)
	}
	var indexes int
	if err := s2.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'incidents_updated'`).Scan(&indexes); err != nil || indexes != 0 {
		t.Fatalf("incidents_updated still there (%d, %v)", indexes, err)
	}
}
