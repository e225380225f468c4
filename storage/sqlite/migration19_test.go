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
		var stmts []storetest.Stmt
		for _, q := range []string{
			`DROP TRIGGER incidents_fts_insert`, `DROP TRIGGER incidents_fts_update`, `DROP TRIGGER incidents_fts_delete`,
			`DROP TABLE incidents_fts`, `DROP INDEX incidents_private`, `DROP INDEX incidents_unclosed`,
			`ALTER TABLE api_tokens DROP COLUMN last_used_at`, `DELETE FROM schema_migrations WHERE version >= 19`,
		} {
			stmts = append(stmts, storetest.Q(q))
		}
		storetest.ExecAll(t, "sqlite", path, stmts...)
	}
	storetest.TitleIndexBackfill(t, reopener(t, path), rewind)
}
