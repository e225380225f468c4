package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
)

// Migration 19 indexes the titles of the incidents already there.
func TestMigration19Backfills(t *testing.T) {
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
	rewind := func() {
		rewindTo(t, dsn, undoFrom(19))
	}
	storetest.TitleIndexBackfill(t, open, rewind)
}
