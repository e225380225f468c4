package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 25 fills incident_marks from the timeline already there.
func TestMigration25Backfills(t *testing.T) {
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
	storetest.MarksBackfill(t, open, func() { storetest.ExecAll(t, "pgx", dsn, storetest.UndoFrom(undo, 25)...) })
}
