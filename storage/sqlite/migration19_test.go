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

// Migration 19 indexes the titles of the incidents already there.
func TestMigration19Backfills(t *testing.T) {
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
	rewind := func() {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []string{
			`DROP TRIGGER incidents_fts_insert`, `DROP TRIGGER incidents_fts_update`, `DROP TRIGGER incidents_fts_delete`,
			`DROP TABLE incidents_fts`, `DROP INDEX incidents_private`, `DROP INDEX incidents_unclosed`,
			`ALTER TABLE api_tokens DROP COLUMN last_used_at`, `DELETE FROM schema_migrations WHERE version >= 19`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	storetest.TitleIndexBackfill(t, open, rewind)
}
