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

// Timeline entries, audit records and message bodies written before
// schema 27 read back as they were written.
func TestRecordsBeforeSchema27(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	storetest.OldRecordsRead(t, reopener(t, dsn), func(incident int64) {
		storetest.ExecAll(t, "pgx", dsn,
			storetest.Q(`INSERT INTO timeline (incident, at, kind, actor, text, data) VALUES ($1, 1, 'channel_linked', 'warroom', $2, $3)`,
				incident, storetest.OldEntryText, storetest.OldEntryData),
			storetest.Q(`INSERT INTO audit (at, actor, action, incident, before, after) VALUES (1, 'api', 'declare', $1, 'null', $2)`,
				incident, storetest.OldDeclareData),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:old', 'card:old', $1, $2, 1, 1)`, incident, storetest.OldPackedBody),
		)
	})
}
