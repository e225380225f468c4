package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/sqlite"
)

// openRead loads the configuration and opens the database for a command
// that only reads: it never creates nor migrates one. A missing SQLite
// file is reported as not found (exit 3) instead of an empty answer.
func (c *cli) openRead(ctx context.Context, name string) (config.Config, bot.Store, func(), int) {
	cfg, ok := c.load(name)
	if !ok {
		return config.Config{}, nil, nil, exitError
	}
	var (
		store bot.Store
		err   error
	)
	if cfg.DB.IsPostgres() {
		store, err = postgres.Open(ctx, postgres.Config{DSN: cfg.DB.Reveal(), MaxConns: 2, ReadOnly: true}, nil)
	} else {
		path := cfg.DB.Reveal()
		if _, statErr := os.Stat(path); errors.Is(statErr, os.ErrNotExist) {
			fmt.Fprintf(c.stderr, "warroom %s: no database at %s: nothing to read (set --config or WARROOM_DB; `warroom serve` or `warroom migrate` creates one)\n", name, path)
			return config.Config{}, nil, nil, exitNotFound
		}
		store, err = sqlite.Open(ctx, sqlite.Config{Path: path, ReadOnly: true}, nil)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom %s: %v\n", name, err)
		return config.Config{}, nil, nil, exitError
	}
	return cfg, store, func() { _ = store.Close() }, exitOK
}
