package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 23 turns the text bodies, drafts and job payloads written
// before it into bytes that read back the same.
func TestMigration23KeepsTextBodies(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	storetest.PackedBodiesMigration(t, reopener(t, dsn), func(incident int64) {
		storetest.ExecAll(t, "pgx", dsn, append(storetest.UndoFrom(undo, 23),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:INC-1', 'card:INC-1', $1, $2, 1, 1)`, incident, storetest.OldMessageBody),
			storetest.Q(`INSERT INTO outbox (kind, incident, payload, status, attempts, next_at, last_error, created_at, target)
				VALUES ('console.post', $1, $2, 'pending', 0, 0, '', 0, 'console')`, incident, storetest.OldPayload),
			storetest.Q(`INSERT INTO postmortems (incident, body, generated_at, version) VALUES ($1, $2, 1, 1)`, incident, storetest.OldPostmortem),
		)...)
	})
}
