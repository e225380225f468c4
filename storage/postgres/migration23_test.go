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

// Migration 23 turns the text bodies written before it into bytes that
// read back the same.
func TestMigration23KeepsTextBodies(t *testing.T) {
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
	rewind := func(incident int64) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`ALTER TABLE messages ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`, nil},
			{`ALTER TABLE postmortems ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`, nil},
			{`ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`, nil},
			{`ALTER TABLE outbox_dead ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`, nil},
			{`DELETE FROM schema_migrations WHERE version >= 23`, nil},
			{`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:INC-1', 'card:INC-1', $1, $2, 1, 1)`, []any{incident, storetest.OldMessageBody}},
			{`INSERT INTO outbox (kind, incident, payload, status, attempts, next_at, last_error, created_at, target)
				VALUES ('console.post', $1, $2, 'pending', 0, 0, '', 0, 'console')`, []any{incident, storetest.OldPayload}},
			{`INSERT INTO postmortems (incident, body, generated_at, version) VALUES ($1, $2, 1, 1)`, []any{incident, storetest.OldPostmortem}},
		} {
			if _, err := db.Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
	}
	storetest.PackedBodiesMigration(t, open, rewind)
}
