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
