package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/storetest"
)

func TestInsights(t *testing.T) {
	storetest.RunInsights(t, func(t *testing.T) (bot.Store, bot.Store) {
		path := filepath.Join(t.TempDir(), "warroom.db")
		return open(t, path), open(t, path)
	})
}
