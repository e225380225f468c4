package sqlite_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

// The migration tests open the database at path again after rewinding a
// migration by hand.

// reopener opens the store at path, each time it is called, closed at the
// end of the test.
func reopener(t *testing.T, path string) func() bot.Store {
	return func() bot.Store {
		s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}
