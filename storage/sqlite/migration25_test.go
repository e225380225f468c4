package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 25 fills incident_marks from the timeline already there.
func TestMigration25Backfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	var stores []*sqlite.Store
	t.Cleanup(func() {
		for _, s := range stores {
			s.Close()
		}
	})
	open := func() bot.Store {
		s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
		return s
	}
	storetest.MarksBackfill(t, open, func() { storetest.ExecAll(t, "sqlite", path, storetest.UndoFrom(undo, 25)...) })
}
