package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"
)

// TryLead tries to become the one replica that does the work called name
// (the scheduler, say). It holds a session advisory lock on a connection of
// its own; ok is false when another session holds it. release gives the lock
// up and may be called more than once. If the connection dies the lock is
// gone with it, so a leader should call TryLead again after release to
// re-check; it is not re-entrant (a second TryLead while leading says no).
func (s *Store) TryLead(ctx context.Context, name string) (release func(), ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("try lead %s: %w", name, err)
	}
	key := lockKey("lead:" + name)
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok); err != nil {
		discard(conn)
		return nil, false, fmt.Errorf("try lead %s: %w", name, err)
	}
	if !ok {
		_ = conn.Close()
		return nil, false, nil
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var unlocked bool
			err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, key).Scan(&unlocked)
			if err != nil || !unlocked {
				// End the session instead: that drops its locks.
				s.log.Warn("advisory unlock failed; closing the connection", "lead", name, "err", err)
				discard(conn)
				return
			}
			_ = conn.Close()
		})
	}
	return release, true, nil
}

// discard closes conn's session rather than returning it to the pool.
func discard(conn interface {
	Raw(func(any) error) error
	Close() error
}) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
