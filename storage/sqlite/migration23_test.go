package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/storage/storetest"
)

// Migration 23 keeps the message bodies, drafts and job payloads written
// before it.
func TestMigration23KeepsTextBodies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	storetest.PackedBodiesMigration(t, reopener(t, path), func(incident int64) {
		storetest.ExecAll(t, "sqlite", path, append(storetest.UndoFrom(undo, 23),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:INC-1', 'card:INC-1', ?, ?, 1, 1)`, incident, storetest.OldMessageBody),
			storetest.Q(`INSERT INTO outbox (kind, incident, payload, status, attempts, next_at, last_error, created_at, target)
				VALUES ('console.post', ?, ?, 'pending', 0, 0, '', 0, 'console')`, incident, storetest.OldPayload),
			storetest.Q(`INSERT INTO postmortems (incident, body, generated_at, version) VALUES (?, ?, 1, 1)`, incident, storetest.OldPostmortem),
		)...)
	})
}

// Timeline entries, audit records and message bodies written before
// schema 27 read back as they were written.
func TestRecordsBeforeSchema27(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	storetest.OldRecordsRead(t, reopener(t, path), func(incident int64) {
		storetest.ExecAll(t, "sqlite", path,
			storetest.Q(`INSERT INTO timeline (incident, at, kind, actor, text, data) VALUES (?, 1, 'channel_linked', 'warroom', ?, ?)`,
				incident, storetest.OldEntryText, storetest.OldEntryData),
			storetest.Q(`INSERT INTO audit (at, actor, action, incident, before, after) VALUES (1, 'api', 'declare', ?, 'null', ?)`,
				incident, storetest.OldDeclareData),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:old', 'card:old', ?, ?, 1, 1)`, incident, storetest.OldPackedBody),
		)
	})
}
