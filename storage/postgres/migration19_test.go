package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 19 indexes the titles of the incidents already there.
func TestMigration19Backfills(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	var stores []*postgres.Store
	t.Cleanup(func() {
		for _, s := range stores {
			s.Close()
		}
	})
	open := func() bot.Store {
		s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, s)
		return s
	}
	rewind := func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []string{
			`DROP INDEX incidents_title_fts`, `DROP INDEX incidents_private`, `DROP INDEX incidents_unclosed`,
			`ALTER TABLE api_tokens DROP COLUMN last_used_at`,
			// and schema 23, so that both run again
			`ALTER TABLE messages ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`,
			`ALTER TABLE postmortems ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`,
			`ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`,
			`ALTER TABLE outbox_dead ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`,
			`DELETE FROM schema_migrations WHERE version >= 19`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
	}
	storetest.TitleIndexBackfill(t, open, rewind)
}
