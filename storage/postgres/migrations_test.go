package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/postgres"
)

// The migration tests open the database at dsn again after rewinding a
// migration by hand.

// reopener opens the store at dsn, each time it is called, closed at the
// end of the test.
func reopener(t *testing.T, dsn string) func() bot.Store {
	return func() bot.Store {
		s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}
