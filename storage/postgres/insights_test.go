package postgres_test

import (
	"github.com/warroom/warroom/internal/testkit"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/storetest"
)

func TestInsights(t *testing.T) {
	testkit.PostgresDSN(t)
	storetest.RunInsights(t, func(t *testing.T) (bot.Store, bot.Store) {
		dsn := testkit.PostgresSchema(t)
		return open(t, dsn), open(t, dsn)
	})
}
