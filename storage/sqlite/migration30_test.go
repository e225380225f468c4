package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/storage/storetest"
)

// Migration 30 keeps the messages written before it (their channels by
// name, their times, bodies and ids) and the links of incidents to their
// channels.
func TestMessagesBeforeSchema30(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	storetest.OldMessagesRead(t, reopener(t, path), func(incident int64) {
		storetest.ExecAll(t, "sqlite", path, append(storetest.UndoFrom(undo, 30),
			storetest.OldMessageInserts(incident, func(n int) string { return fmt.Sprintf("?%d", n) })...)...)
	})
}
