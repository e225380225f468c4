package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// The operator's side of the outbox: dead letters listed, replayed and
// dropped, and counts per target.

const (
	qDeadJobs = `SELECT ` + jobCols + ` FROM outbox_dead ORDER BY id DESC LIMIT $1`
	qLiveJobs = `SELECT ` + jobCols + ` FROM outbox WHERE status <> 'done' ORDER BY next_at, id LIMIT $1`
	// qReplayDead copies a dead job back, pending and due at $2 with a
	// fresh budget; a pending job holding its coalesce key makes it a no-op.
	qReplayDead = `INSERT INTO outbox (id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at,
		last_error, created_at, target, failures)
	SELECT id, kind, incident, payload, order_key, coalesce_key, 'pending', attempts, $2, last_error, created_at, target, 0
	FROM outbox_dead d WHERE id = $1
	  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.order_key IS NOT DISTINCT FROM d.order_key AND p.coalesce_key = d.coalesce_key AND p.status = 'pending')
	%s` // Dialect.CoalesceConflict
	qDropDead    = `DELETE FROM outbox_dead WHERE id = $1`
	qDeadIDs     = `SELECT id FROM outbox_dead ORDER BY id`
	qLiveTargets = `SELECT target, COUNT(*) FROM outbox WHERE status <> 'done' GROUP BY target`
	qDeadTargets = `SELECT target, COUNT(*) FROM outbox_dead GROUP BY target`
)

// DeadJobs lists up to limit dead jobs, newest first.
func (s *Store) DeadJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	return s.listJobs(ctx, "dead", qDeadJobs, limit)
}

// LiveJobs lists up to limit pending and running jobs, soonest due first.
func (s *Store) LiveJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	return s.listJobs(ctx, "live", qLiveJobs, limit)
}

func (s *Store) listJobs(ctx context.Context, what, q string, limit int) ([]bot.Job, error) {
	if err := s.settle(ctx); err != nil {
		return nil, fmt.Errorf("read %s jobs: %w", what, err)
	}
	rows, err := s.r.QueryContext(ctx, q, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("read %s jobs: %w", what, err)
	}
	jobs, err := scanJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("read %s jobs: %w", what, err)
	}
	return jobs, nil
}

// ReplayDead moves dead job id back to the outbox, due at now.
func (s *Store) ReplayDead(ctx context.Context, id int64, now time.Time) error {
	err := s.InTx(ctx, func(btx bot.Tx) error { return btx.(*tx).replay(ctx, id, now) })
	if err != nil {
		return fmt.Errorf("replay dead job %d: %w", id, err)
	}
	return nil
}

// ReplayAllDead replays every dead job in one transaction.
func (s *Store) ReplayAllDead(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.InTx(ctx, func(btx bot.Tx) error {
		t := btx.(*tx)
		rows, err := t.query(ctx, qDeadIDs)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := t.replay(ctx, id, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("replay dead jobs: %w", err)
	}
	return n, nil
}

func (t *tx) replay(ctx context.Context, id int64, now time.Time) error {
	if _, err := t.exec(ctx, qReplayDead, id, us(now)); err != nil {
		return err
	}
	res, err := t.exec(ctx, qDropDead, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = fmt.Errorf("no dead job %d: %w", id, bot.ErrNotFound)
		}
		return err
	}
	return nil
}

// DropDead deletes dead job id.
func (s *Store) DropDead(ctx context.Context, id int64) error {
	ok, err := s.execOne(ctx, qDropDead, id)
	if err != nil {
		return fmt.Errorf("drop dead job %d: %w", id, err)
	}
	if !ok {
		return fmt.Errorf("drop dead job %d: %w", id, bot.ErrNotFound)
	}
	return nil
}

// OutboxByTarget counts live and dead jobs per target.
func (s *Store) OutboxByTarget(ctx context.Context) (map[string]bot.TargetStats, error) {
	if err := s.settle(ctx); err != nil {
		return nil, fmt.Errorf("count jobs by target: %w", err)
	}
	out := map[string]bot.TargetStats{}
	for _, q := range []string{qLiveTargets, qDeadTargets} {
		rows, err := s.r.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("count jobs per target: %w", err)
		}
		for rows.Next() {
			var (
				target string
				n      sql.NullInt64
			)
			if err := rows.Scan(&target, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("count jobs per target: %w", err)
			}
			st := out[target]
			if q == qLiveTargets {
				st.Pending = int(n.Int64)
			} else {
				st.Dead = int(n.Int64)
			}
			out[target] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("count jobs per target: %w", err)
		}
	}
	return out, nil
}
