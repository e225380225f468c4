package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// rewindTo runs statements on the closed database at path.
func rewindTo(t *testing.T, path string, stmts []string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

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
	storetest.MarksBackfill(t, open, func() { rewindTo(t, path, undoFrom(25)) })
}
