package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
)

// rewindTo runs statements on the database at dsn.
func rewindTo(t *testing.T, dsn string, stmts []string) {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

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
	storetest.MarksBackfill(t, open, func() { rewindTo(t, dsn, undoFrom(25)) })
}
