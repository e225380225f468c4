package postgres_test

import (
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/storetest"
)

func TestInsights(t *testing.T) {
	testDSN(t)
	storetest.RunInsights(t, func(t *testing.T) (bot.Store, bot.Store) {
		dsn := schemaDSN(t)
		return open(t, dsn), open(t, dsn)
	})
}
