package postgres_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/storetest"
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

// unpacked undoes schema 23: the packed columns are text again.
var unpacked = []storetest.Stmt{
	storetest.Q(`ALTER TABLE messages ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`),
	storetest.Q(`ALTER TABLE postmortems ALTER COLUMN body TYPE TEXT USING convert_from(body, 'UTF8')`),
	storetest.Q(`ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`),
	storetest.Q(`ALTER TABLE outbox_dead ALTER COLUMN payload TYPE TEXT USING convert_from(payload, 'UTF8')`),
}
