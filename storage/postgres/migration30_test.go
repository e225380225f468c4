package postgres_test

import (
	"fmt"
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 30 keeps the messages written before it (their channels by
// name, their times, bodies and ids) and the links of incidents to their
// channels.
func TestMessagesBeforeSchema30(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	storetest.OldMessagesRead(t, reopener(t, dsn), func(incident int64) {
		storetest.ExecAll(t, "pgx", dsn, append(storetest.UndoFrom(undo, 30),
			storetest.OldMessageInserts(incident, func(n int) string { return fmt.Sprintf("$%d", n) })...)...)
	})
}
