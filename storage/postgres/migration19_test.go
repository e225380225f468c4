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
		stmts := []storetest.Stmt{
			storetest.Q(`DROP INDEX incidents_title_fts`), storetest.Q(`DROP INDEX incidents_private`), storetest.Q(`DROP INDEX incidents_unclosed`),
			storetest.Q(`ALTER TABLE api_tokens DROP COLUMN last_used_at`),
		}
		// and schema 23, so that both run again
		stmts = append(append(stmts, unpacked...), storetest.Q(`DELETE FROM schema_migrations WHERE version >= 19`))
		storetest.ExecAll(t, "pgx", dsn, stmts...)
	}
	storetest.TitleIndexBackfill(t, reopener(t, dsn), rewind)
}
