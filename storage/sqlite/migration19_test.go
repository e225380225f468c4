package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/storage/storetest"
)

// Migration 19 indexes the titles of the incidents already there.
func TestMigration19Backfills(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	rewind := func() {
		storetest.ExecAll(t, "sqlite", path, storetest.UndoFrom(undo, 19)...)
	}
	storetest.TitleIndexBackfill(t, reopener(t, path), rewind)
}
