package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/warroom/warroom/bot"
)

// The outbox table holds live jobs only (pending and running): a finished or
// superseded job is deleted, a buried one moves to outbox_dead. Claims scan
// a table as small as the backlog, so it needs no index but the coalescing
// one, and an enqueue dirties few pages.

const jobCols = `id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, lease_owner, lease_until, created_at`

const (
	qEnqueue = `INSERT INTO outbox (kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, created_at)
	VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, '', $7)
	ON CONFLICT (coalesce_key) WHERE status = 'pending' AND coalesce_key IS NOT NULL DO NOTHING`
	// qClaim leases the oldest due jobs that are not waiting behind an older
	// job with the same order key: every job of an order key but its oldest
	// (its head) waits. %s is Dialect.SkipLocked.
	qClaim = `UPDATE outbox SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (
		SELECT o.id FROM outbox o
		WHERE ((o.status = 'pending' AND o.next_at <= $3) OR (o.status = 'running' AND o.lease_until <= $3))
		  AND (o.order_key IS NULL OR o.id IN (
			SELECT MIN(h.id) FROM outbox h WHERE h.order_key IS NOT NULL GROUP BY h.order_key))
		ORDER BY o.id
		LIMIT $4 %s)
	RETURNING ` + jobCols
	qComplete   = `DELETE FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	qBuryCopy   = `INSERT INTO outbox_dead (` + jobCols + `) SELECT ` + jobCols + ` FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	qBuryNote   = `UPDATE outbox_dead SET status = 'dead', last_error = $2 WHERE id = $1`
	qBuryDelete = `DELETE FROM outbox WHERE id = $1`
	// qSupersede drops a leased job that a newer pending job with its
	// coalesce key makes redundant.
	qSupersede = `DELETE FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND coalesce_key IS NOT NULL
		AND EXISTS (SELECT 1 FROM outbox p WHERE p.coalesce_key = outbox.coalesce_key AND p.status = 'pending')`
	qRequeue = `UPDATE outbox SET status = 'pending', next_at = $3, last_error = COALESCE($4, last_error),
		lease_owner = NULL, lease_until = NULL
	WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	qLeased   = `SELECT id FROM outbox WHERE status = 'running' AND lease_owner = $1 ORDER BY id`
	qOutStats = `SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM outbox_dead), (SELECT MIN(created_at) FROM outbox)`
	qDeadJobs = `SELECT ` + jobCols + ` FROM outbox_dead ORDER BY id DESC LIMIT $1`
)

// Enqueue writes a pending job and sets j.ID, unless j.CoalesceKey matches a
// pending job: then it adds nothing and j.ID stays 0.
func (t *tx) Enqueue(ctx context.Context, j *bot.Job) error {
	created := j.CreatedAt
	if created.IsZero() {
		created = j.NextAt
	}
	id, err := t.insert(ctx, qEnqueue, j.Kind, nullID(j.Incident), nullRaw(j.Payload), nullStr(j.OrderKey), nullStr(j.CoalesceKey),
		us(j.NextAt), us(created))
	if err != nil {
		return fmt.Errorf("enqueue job: %w", err)
	}
	j.ID = id
	if id != 0 {
		j.Status, j.CreatedAt = bot.JobPending, created
	}
	return nil
}

func scanJob(row scanner) (bot.Job, error) {
	var (
		j                     bot.Job
		incident, leaseUntil  sql.NullInt64
		payload               sql.NullString
		orderKey, coalesceKey sql.NullString
		leaseOwner            sql.NullString
		status                string
		nextAt, created       int64
	)
	err := row.Scan(&j.ID, &j.Kind, &incident, &payload, &orderKey, &coalesceKey, &status, &j.Attempts, &nextAt,
		&j.LastError, &leaseOwner, &leaseUntil, &created)
	if err != nil {
		return j, err
	}
	j.Incident, j.Payload = incident.Int64, fromNullRaw(payload)
	j.OrderKey, j.CoalesceKey, j.Status = orderKey.String, coalesceKey.String, bot.JobStatus(status)
	j.NextAt, j.CreatedAt = fromUS(nextAt), fromUS(created)
	j.LeaseOwner, j.LeaseUntil = leaseOwner.String, fromNullZero(leaseUntil)
	return j, nil
}

func scanJobs(rows *sql.Rows) ([]bot.Job, error) {
	defer rows.Close()
	var out []bot.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Claim leases up to limit due jobs to owner until now+lease, oldest first.
func (s *Store) Claim(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]bot.Job, error) {
	if owner == "" {
		return nil, errors.New("claim jobs: empty owner")
	}
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.wquery(ctx, qClaim, owner, us(now.Add(lease)), us(now), int64(limit))
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	jobs, err := scanJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	sort.Slice(jobs, func(i, k int) bool { return jobs[i].ID < jobs[k].ID })
	return jobs, nil
}

// leaseLost says a job is no longer owner's: its lease ran out and another
// worker claimed it, or it was finished already. It wraps bot.ErrNotFound.
func leaseLost(verb string, id int64, owner string) error {
	return fmt.Errorf("%s job %d: not leased by %s (lease lost): %w", verb, id, owner, bot.ErrNotFound)
}

// execOne runs a statement on the writer and reports whether it changed a row.
func (s *Store) execOne(ctx context.Context, q string, args ...any) (bool, error) {
	res, err := s.wexec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Complete finishes a job owner holds. A lost lease is an error wrapping
// bot.ErrNotFound and changes nothing.
func (s *Store) Complete(ctx context.Context, id int64, owner string) error {
	ok, err := s.execOne(ctx, qComplete, id, owner)
	if err != nil {
		return fmt.Errorf("complete job %d: %w", id, err)
	}
	if !ok {
		return leaseLost("complete", id, owner)
	}
	return nil
}

// Bury moves a job owner holds to the dead letters, keeping lastErr.
func (s *Store) Bury(ctx context.Context, id int64, owner string, lastErr string) error {
	lost := false
	err := s.InTx(ctx, func(btx bot.Tx) error {
		t := btx.(*tx)
		res, err := t.exec(ctx, qBuryCopy, id, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			lost = err == nil
			return err
		}
		if _, err := t.exec(ctx, qBuryNote, id, lastErr); err != nil {
			return err
		}
		_, err = t.exec(ctx, qBuryDelete, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("bury job %d: %w", id, err)
	}
	if lost {
		return leaseLost("bury", id, owner)
	}
	return nil
}

// Retry puts a job owner holds back to pending until next; when a pending
// job with its coalesce key exists, the job is dropped instead.
func (s *Store) Retry(ctx context.Context, id int64, owner string, next time.Time, lastErr string) error {
	return s.requeue(ctx, "retry", id, owner, next, lastErr)
}

// requeue supersedes or requeues a leased job. A concurrent enqueue of the
// same coalesce key can turn the requeue into a unique violation; a second
// round then sees that job and supersedes.
func (s *Store) requeue(ctx context.Context, verb string, id int64, owner string, next time.Time, lastErr any) error {
	for round := 1; ; round++ {
		gone, err := s.execOne(ctx, qSupersede, id, owner)
		if err != nil {
			return fmt.Errorf("%s job %d: %w", verb, id, err)
		}
		if gone {
			return nil
		}
		ok, err := s.execOne(ctx, qRequeue, id, owner, us(next), lastErr)
		if err != nil && round < 3 && s.d.IsUniqueViolation(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s job %d: %w", verb, id, err)
		}
		if !ok {
			return leaseLost(verb, id, owner)
		}
		return nil
	}
}

// Release returns every job owner holds to pending, due at now.
func (s *Store) Release(ctx context.Context, owner string, now time.Time) error {
	rows, err := s.wquery(ctx, qLeased, owner)
	if err != nil {
		return fmt.Errorf("release jobs: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("release jobs: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("release jobs: %w", err)
	}
	for _, id := range ids {
		err := s.requeue(ctx, "release", id, owner, now, nil)
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			return err
		}
	}
	return nil
}

// OutboxStats counts live and dead jobs and the age of the oldest live one.
func (s *Store) OutboxStats(ctx context.Context, now time.Time) (bot.OutboxStats, error) {
	var (
		st     bot.OutboxStats
		oldest sql.NullInt64
	)
	if err := s.r.QueryRowContext(ctx, qOutStats).Scan(&st.Pending, &st.Dead, &oldest); err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	if oldest.Valid {
		st.OldestAge = max(now.Sub(fromUS(oldest.Int64)), 0)
	}
	return st, nil
}

// DeadJobs lists up to limit dead jobs, newest first.
func (s *Store) DeadJobs(ctx context.Context, limit int) ([]bot.Job, error) {
	rows, err := s.r.QueryContext(ctx, qDeadJobs, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("read dead jobs: %w", err)
	}
	jobs, err := scanJobs(rows)
	if err != nil {
		return nil, fmt.Errorf("read dead jobs: %w", err)
	}
	return jobs, nil
}
