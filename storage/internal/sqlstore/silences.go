package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// An Alertmanager's external URL, the base its alerts' silence links are
// made from again when read (schema 28), is stored once, in silence_bases
// (schema 39): an alert names it by that row's id. A base's row is added
// when an alert first names it and stays: its id never changes.

const (
	qSilenceBase    = `SELECT id FROM silence_bases WHERE base = $1`
	qAddSilenceBase = `INSERT INTO silence_bases (base) VALUES ($1) ON CONFLICT (base) DO NOTHING`
)

// maxSilenceBases bounds silenceBases: a sender that names a new
// external URL in every delivery has its bases looked up each time
// rather than held.
const maxSilenceBases = 256

// silenceBases are the ids of the bases a committed transaction holds, by
// base, so that an alert's base is looked up once per process rather
// than once per alert.
type silenceBases struct {
	mu  sync.Mutex
	ids map[string]int64
}

func (c *silenceBases) get(base string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.ids[base]
	return id, ok
}

func (c *silenceBases) add(base string, id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]int64{}
	}
	if len(c.ids) < maxSilenceBases {
		c.ids[base] = id
	}
}

// forget drops base, after a write naming it failed: were its row gone
// after all (a database emptied under a running process), the next write
// looks again and adds it.
func (c *silenceBases) forget(base string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.ids, base)
}

// silenceID returns the id of base's row, adding the row where there is
// none.
func (t *tx) silenceID(ctx context.Context, base string) (int64, error) {
	if id, ok := t.s.silences.get(base); ok {
		return id, nil
	}
	var id int64
	err := t.queryRow(ctx, qSilenceBase, base).Scan(&id)
	if err == nil {
		// A row this transaction added is not committed: found again
		// here, it is not remembered (the transaction, or its savepoint,
		// may roll back).
		if !t.addedBases[base] {
			t.s.silences.add(base, id)
		}
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if _, err := t.exec(ctx, qAddSilenceBase, base); err != nil {
		return 0, err
	}
	if t.addedBases == nil {
		t.addedBases = map[string]bool{}
	}
	t.addedBases[base] = true
	if err := t.queryRow(ctx, qSilenceBase, base).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}
