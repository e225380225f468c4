package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/storage/storetest"
)

// Migration 27 keeps the timeline entries, audit records and message
// bodies written before it: they read back as they were written.
func TestRecordsBeforeSchema27(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	storetest.OldRecordsRead(t, reopener(t, path), func(incident int64) {
		storetest.ExecAll(t, "sqlite", path, append(storetest.UndoFrom(undo, 27),
			storetest.Q(`INSERT INTO timeline (incident, at, kind, actor, text, data) VALUES (?, 1, 'channel_linked', 'warroom', ?, ?)`,
				incident, storetest.OldEntryText, storetest.OldEntryData),
			storetest.Q(`INSERT INTO audit (at, actor, action, incident, before, after) VALUES (1, 'api', 'declare', ?, 'null', ?)`,
				incident, storetest.OldDeclareData),
			storetest.Q(`INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
				VALUES ('console', 'incidents', 'card:old', 'card:old', ?, ?, 1, 1)`, incident, storetest.OldPackedBody),
		)...)
	})
}
