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

// Migration 23 keeps the message bodies and drafts written before it.
func TestMigration23KeepsTextBodies(t *testing.T) {
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
	rewind := func(incident int64) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM schema_migrations WHERE version >= 23`, nil},
			{`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:INC-1', 'card:INC-1', ?, ?, 1, 1)`, []any{incident, storetest.OldMessageBody}},
			{`INSERT INTO outbox (kind, incident, payload, status, attempts, next_at, last_error, created_at, target)
				VALUES ('console.post', ?, ?, 'pending', 0, 0, '', 0, 'console')`, []any{incident, storetest.OldPayload}},
			{`INSERT INTO postmortems (incident, body, generated_at, version) VALUES (?, ?, 1, 1)`, []any{incident, storetest.OldPostmortem}},
		} {
			if _, err := db.Exec(q.sql, q.args...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
	}
	storetest.PackedBodiesMigration(t, open, rewind)
}
