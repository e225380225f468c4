package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// WAL checkpoints copy committed pages from the -wal file into the database
// and fsync both. Left to SQLite they run inside whichever commit crosses
// the threshold, so a writer would stop to fsync every few dozen
// transactions. A checkpointer goroutine does them instead, on a connection
// of its own, without blocking the writer (PASSIVE); the writer's own
// automatic checkpoint stays as a backstop, at a threshold only sustained
// heavy writing reaches.

const (
	// checkpointEvery spaces the checkpoints. A checkpoint copies each page
	// written since the last once, however many commits wrote it: under a
	// stream of writes (an alert storm rewrites the same table and index
	// pages in every commit) a longer interval copies fewer pages.
	checkpointEvery = 500 * time.Millisecond
	// backstopPages is the writer's wal_autocheckpoint, in pages (1 KiB
	// in a database warroom created): about 32 MB of WAL, several times
	// what the fastest ingest writes between two checkpoints.
	backstopPages = 32000
	// walSizeLimit truncates a -wal file that grew beyond it, once reset.
	walSizeLimit = 64 << 20
)

type checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// startCheckpointer opens its connection to the database at path and
// starts checkpointing.
func startCheckpointer(path, syncMode string, log *slog.Logger) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)", "_pragma=synchronous("+syncMode+")",
		"_pragma=cache_size(-256)")) // it copies pages, it does not read them twice
	if err != nil {
		return nil, fmt.Errorf("open checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, log: log, cancel: cancel}
	c.done.Add(1)
	go c.run(ctx)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer c.done.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var busy, logFrames, done int
		err := c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logFrames, &done)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing: // say it once, not every tick
			c.log.Warn("sqlite wal checkpoint failed; the writer's own checkpoints take over", "err", err)
		case err == nil && failing:
			c.log.Info("sqlite wal checkpoints work again")
		}
		failing = err != nil
	}
}

// close ends the goroutine and its connection.
func (c *checkpointer) close() error {
	c.cancel()
	c.done.Wait()
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("close checkpointer: %w", err)
	}
	return nil
}
