package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 27 keeps the timeline entries, audit records and message
// bodies written before it: they read back as they were written.
func TestRecordsBeforeSchema27(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	storetest.OldRecordsRead(t, reopener(t, dsn), func(incident int64) {
		storetest.ExecAll(t, "pgx", dsn, append(storetest.UndoFrom(undo, 27),
			storetest.Q(`INSERT INTO timeline (incident, at, kind, actor, text, data) VALUES ($1, 1, 'channel_linked', 'warroom', $2, $3)`,
				incident, storetest.OldEntryText, storetest.OldEntryData),
			storetest.Q(`INSERT INTO audit (at, actor, action, incident, before, after) VALUES (1, 'api', 'declare', $1, 'null', $2)`,
				incident, storetest.OldDeclareData),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:old', 'card:old', $1, $2, 1, 1)`, incident, storetest.OldPackedBody),
		)...)
	})
}
