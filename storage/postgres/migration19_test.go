package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 19 indexes the titles of the incidents already there.
func TestMigration19Backfills(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	rewind := func() {
		storetest.ExecAll(t, "pgx", dsn, storetest.UndoFrom(undo, 19)...)
	}
	storetest.TitleIndexBackfill(t, reopener(t, dsn), rewind)
}
