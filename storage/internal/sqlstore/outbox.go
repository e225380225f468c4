package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// The outbox table holds live jobs (pending and running): a superseded job
// is deleted, a buried one moves to outbox_dead, and a finished one is
// deleted or, where the dialect keeps tombstones (SQLite), marked done and
// deleted later with others in one statement (sweep). Each job carries its
// target, so a lane's claim walks the index on (target, next_at) from its
// soonest due job and skips the jobs that have an older live job with
// their order key (an index probe on (order_key, id) each): it stays fast
// however deep the backlog (migration 0007).
//
// Since schema 26 a claim, a lease renewal and a completion set no indexed
// column (SQLite rewrites every index holding a column an UPDATE sets): a
// running job keeps the next_at it was due at and its lease ends at
// lease_until, so a claim takes a due job that is pending or whose lease
// ran out, skipping the few running ones at the head of the index; a
// finished job marked done is skipped by every read until it is swept.
// Since schema 46 a job written claimed in its command's commit
// (handoff.go) is marked handed until a requeue or a failure, and SQLite's
// outbox_due leaves such jobs out: their INSERT, completion and sweep
// write no entry of it. A claim reads the other jobs through it; handed
// jobs whose lease ran out are looked for at most every half lease
// (leaseChecks), reading the table.

const jobCols = `id, kind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, lease_owner, lease_until, created_at, target, failures, first_failed_at`

const (
	// qEnqueue adds nothing when a pending job holds the coalesce key
	// (with the same order key: a coalesce key names the job's target and
	// incident or problem, and so does its order key). SQLite finds it
	// through outbox_order, which carries the coalesce key after the order
	// key and id (schema 29: one index written per enqueue instead of
	// two); PostgreSQL through outbox_coalesce, unique among pending
	// jobs, where a concurrent twin then conflicts and adds nothing.
	// %[1]s and %[2]s name the id and its value where the dialect gives
	// ids itself (Dialect.OutboxNextID), %[3]s is Dialect.CoalesceConflict.
	qEnqueue = `INSERT INTO outbox (%[1]skind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, created_at, target)
	SELECT %[2]s$1, $2, $3, $4, $5, 'pending', 0, $6, '', $7, $8
	WHERE NOT EXISTS (SELECT 1 FROM outbox p WHERE p.order_key IS NOT DISTINCT FROM $4 AND p.coalesce_key = $5 AND p.status = 'pending')
	%[3]s`
	// qClaim leases the soonest due jobs of a target (pending, or running
	// with their lease run out) that are not waiting behind an older job
	// with the same order key: every job of an order key but its oldest
	// (its head) waits. It leaves out the jobs handed over in their
	// command's commit, which SQLite's outbox_due does not hold (schema
	// 41). %s is Dialect.SkipLocked.
	qClaim = `UPDATE outbox SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (
		SELECT o.id FROM outbox o
		WHERE o.target = $5 AND o.handed IS NULL AND o.next_at <= $3 AND ` + claimDue + claimRest + `
	RETURNING ` + jobCols
	// qClaimLapsed is qClaim that also takes the handed jobs of the
	// target whose lease ran out (their worker died or stalled). Those
	// have no entry in outbox_due, so on SQLite it reads the table: Claim
	// runs it at most every half lease per target (leaseChecks).
	qClaimLapsed = `UPDATE outbox SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (
		SELECT o.id FROM outbox o
		WHERE o.target = $5 AND o.next_at <= $3 AND ` + claimDue + claimRest + `
	RETURNING ` + jobCols
	// The limit and the version are read through (SELECT $n): a bare
	// parameter there makes SQLite re-prepare the statement on every run
	// (about 0.35 ms of parsing per claim), one behind a subquery does not.
	// qClaimAny and qClaimAnyLapsed are qClaim and qClaimLapsed over every
	// target. None claims anything once the schema is newer than this code
	// ($6, $5: the newest migration it knows): a replica left on an older
	// version stops taking work that a newer one may have written in a
	// shape it does not know.
	qClaimAny = `UPDATE outbox SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (
		SELECT o.id FROM outbox o
		WHERE o.handed IS NULL AND o.next_at <= $3 AND ` + claimDue + claimAnyRest + `
	RETURNING ` + jobCols
	qClaimAnyLapsed = `UPDATE outbox SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1
	WHERE id IN (
		SELECT o.id FROM outbox o
		WHERE o.next_at <= $3 AND ` + claimDue + claimAnyRest + `
	RETURNING ` + jobCols
	claimDue  = `(o.status = 'pending' OR (o.status = 'running' AND o.lease_until <= $3))`
	claimRest = `
		  AND NOT EXISTS (SELECT 1 FROM schema_migrations m WHERE m.version > (SELECT CAST($6 AS BIGINT)))` + claimHead + `
		LIMIT (SELECT CAST($4 AS BIGINT)) %s)`
	claimAnyRest = `
		  AND NOT EXISTS (SELECT 1 FROM schema_migrations m WHERE m.version > (SELECT CAST($5 AS BIGINT)))` + claimHead + `
		LIMIT (SELECT CAST($4 AS BIGINT)) %s)`
	claimHead = `
		  AND (o.order_key IS NULL OR NOT EXISTS (
			SELECT 1 FROM outbox h WHERE h.order_key = o.order_key AND h.id < o.id AND h.status <> 'done'))
		ORDER BY o.next_at, o.id`
	qComplete = `DELETE FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	// qCompleteHead is qComplete that also says whether a younger job of
	// the job's order key is left: the next claim may take it now.
	qCompleteHead = qComplete + `
	RETURNING order_key IS NOT NULL AND EXISTS (SELECT 1 FROM outbox s WHERE s.order_key = outbox.order_key AND s.id > outbox.id)`
	qFinish = `UPDATE outbox SET status = 'done' WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	// qSweepAll deletes every finished job (at start-up, after a crash
	// left some marked).
	qSweepAll   = `DELETE FROM outbox WHERE status = 'done'`
	qBuryCopy   = `INSERT INTO outbox_dead (` + jobCols + `) SELECT ` + jobCols + ` FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2`
	qBuryNote   = `UPDATE outbox_dead SET status = 'dead', last_error = $2 WHERE id = $1`
	qBuryDelete = `DELETE FROM outbox WHERE id = $1`
	// qSupersede drops a leased job that a newer pending job with its
	// coalesce key makes redundant.
	qSupersede = `DELETE FROM outbox WHERE id = $1 AND status = 'running' AND lease_owner = $2 AND coalesce_key IS NOT NULL
		AND EXISTS (SELECT 1 FROM outbox p WHERE p.order_key IS NOT DISTINCT FROM outbox.order_key AND p.coalesce_key = outbox.coalesce_key AND p.status = 'pending')`
	// qRequeue hands a job back without a failure (a wait, a release), no
	// longer handed (schema 46: back in SQLite's outbox_due), unless a
	// pending job holds its coalesce key (then a second round of requeue
	// supersedes it).
	qRequeue = `UPDATE outbox SET status = 'pending', next_at = $3, lease_owner = NULL, lease_until = NULL, handed = NULL
	WHERE id = $1 AND status = 'running' AND lease_owner = $2` + notCoalesced
	// qFail hands a job back after a failure at $5.
	qFail = `UPDATE outbox SET status = 'pending', next_at = $3, last_error = $4,
		failures = failures + 1, first_failed_at = COALESCE(first_failed_at, $5),
		lease_owner = NULL, lease_until = NULL, handed = NULL
	WHERE id = $1 AND status = 'running' AND lease_owner = $2` + notCoalesced
	notCoalesced = `
	  AND (coalesce_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p
		WHERE p.order_key IS NOT DISTINCT FROM outbox.order_key AND p.coalesce_key = outbox.coalesce_key AND p.status = 'pending'))`
	qRenew    = `UPDATE outbox SET lease_until = $2 WHERE status = 'running' AND lease_owner = $1 RETURNING target`
	qLeased   = `SELECT id FROM outbox WHERE status = 'running' AND lease_owner = $1 ORDER BY id`
	qOutStats = `SELECT (SELECT COUNT(*) FROM outbox WHERE status <> 'done'), (SELECT COUNT(*) FROM outbox_dead),
		(SELECT MIN(created_at) FROM outbox WHERE status <> 'done')`
)

// sweepBatch finished jobs are deleted at once where the dialect keeps
// tombstones: one statement per batch instead of one delete per job, each
// of which writes a page of the table and of each outbox index.
const sweepBatch = 32

// qSweep deletes up to sweepBatch finished jobs by id (0 pads).
var qSweep = func() string {
	p := make([]string, sweepBatch)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", i+1)
	}
	return `DELETE FROM outbox WHERE status = 'done' AND id IN (` + strings.Join(p, ", ") + `)`
}()

// Enqueue writes a pending job and sets j.ID, unless j.CoalesceKey matches a
// pending job: then it adds nothing and j.ID stays 0. A job the store's
// handoff takes is written claimed instead (handoff.go): j then holds it
// as a claim returns it.
func (t *tx) Enqueue(ctx context.Context, j *bot.Job) error {
	created := j.CreatedAt
	if created.IsZero() {
		created = j.NextAt
	}
	if claimed, err := t.enqueueClaimed(ctx, j, created); claimed || err != nil {
		if err != nil {
			return fmt.Errorf("enqueue job: %w", err)
		}
		return nil
	}
	id, err := t.insert(ctx, qEnqueue, j.Kind, nullID(j.Incident), t.payload(j.Payload), nullStr(j.OrderKey), nullStr(j.CoalesceKey),
		us(j.NextAt), us(created), j.Kind.Target())
	if err != nil {
		return fmt.Errorf("enqueue job: %w", err)
	}
	j.ID = id
	if id != 0 {
		j.Status, j.CreatedAt, j.Target = bot.JobPending, created, j.Kind.Target()
	}
	return nil
}

// payload is a job's payload as stored: packed with the postmortem draft
// tx stored when it carries it (a draft's post), else nullBody's.
func (t *tx) payload(b []byte) any {
	if t.draft != nil && len(b) >= draftRefMin {
		if out := packCarry(b, t.draft); out != nil {
			return out
		}
	}
	return nullBody(b)
}

func scanJob(row scanner) (bot.Job, error) {
	var (
		j                     bot.Job
		incident, leaseUntil  sql.NullInt64
		firstFailed           sql.NullInt64
		payload               []byte
		orderKey, coalesceKey sql.NullString
		leaseOwner            sql.NullString
		status                string
		nextAt, created       int64
	)
	err := row.Scan(&j.ID, &j.Kind, &incident, &payload, &orderKey, &coalesceKey, &status, &j.Attempts, &nextAt,
		&j.LastError, &leaseOwner, &leaseUntil, &created, &j.Target, &j.Failures, &firstFailed)
	if err != nil {
		return j, err
	}
	j.Incident = incident.Int64
	if j.Payload, err = fromNullBody(payload); err != nil {
		return j, err
	}
	j.OrderKey, j.CoalesceKey, j.Status = orderKey.String, coalesceKey.String, bot.JobStatus(status)
	j.NextAt, j.CreatedAt = fromUS(nextAt), fromUS(created)
	j.LeaseOwner, j.LeaseUntil = leaseOwner.String, fromNullZero(leaseUntil)
	if j.Status == bot.JobRunning && leaseUntil.Valid {
		j.NextAt = j.LeaseUntil // a running job is next due when its lease ends
	}
	j.FirstFailedAt = fromNullZero(firstFailed)
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

// Claim leases up to limit due jobs of target ("" any) to owner until
// now+lease, soonest due first: pending jobs and running ones whose lease
// ran out, those handed over in their command's commit (handoff.go) at
// most every half lease (leaseChecks).
func (s *Store) Claim(ctx context.Context, owner, target string, now time.Time, lease time.Duration, limit int) ([]bot.Job, error) {
	if owner == "" {
		return nil, errors.New("claim jobs: empty owner")
	}
	if limit <= 0 {
		return nil, nil
	}
	var jobs []bot.Job
	scan := func(rows *sql.Rows) error {
		j, err := scanJob(rows)
		jobs = append(jobs, j)
		return err
	}
	lapsed := s.leases.due(target, now, lease)
	q, args := qClaim, []any{owner, us(now.Add(lease)), us(now), int64(limit), target, s.latest}
	if lapsed {
		q = qClaimLapsed
	}
	if target == "" {
		q, args = qClaimAny, []any{owner, us(now.Add(lease)), us(now), int64(limit), s.latest}
		if lapsed {
			q = qClaimAnyLapsed
		}
	}
	if err := s.wscan(ctx, scan, q, args...); err != nil {
		if lapsed {
			s.leases.forget(target)
		}
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	if lapsed && len(jobs) == limit {
		s.leases.forget(target) // more may have lapsed
	}
	for _, j := range jobs {
		s.leases.lease(j.Target, now.Add(lease))
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
// Where the dialect keeps tombstones the job is marked done, and every
// sweepBatch of them are deleted together.
func (s *Store) Complete(ctx context.Context, id int64, owner string) error {
	if !s.d.Tombstones {
		ok, err := s.execOne(ctx, qComplete, id, owner)
		if err != nil {
			return fmt.Errorf("complete job %d: %w", id, err)
		}
		if !ok {
			return leaseLost("complete", id, owner)
		}
		return nil
	}
	// The mark and, every sweepBatch jobs, the sweep run in one call that
	// is answered before its commit where the writer is one connection: a
	// completion then costs no commit of its own (holdFor). Lost with its
	// transaction, it redelivers a job whose message is stored already.
	lost := false
	finish := func(btx bot.Tx) error {
		t := btx.(*tx)
		res, err := t.exec(ctx, qFinish, id, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			lost = err == nil
			return err
		}
		if batch := s.finished.add(id); batch != nil {
			if _, err := t.exec(ctx, qSweep, batch...); err != nil {
				s.finished.putBack(batch)
				return fmt.Errorf("sweep finished jobs: %w", err)
			}
		}
		return nil
	}
	var err error
	switch {
	case s.d.GroupCommit && s.d.OneWriter:
		err = s.inGroupEarly(ctx, finish)
	default:
		err = s.InTx(ctx, finish)
	}
	if err != nil {
		return fmt.Errorf("complete job %d: %w", id, err)
	}
	if lost {
		return leaseLost("complete", id, owner)
	}
	return nil
}

// CompleteHead is Complete that also reports whether a younger job of
// the job's order key waits behind it (the worker claims again after a
// delivery only then). Where the dialect keeps tombstones it says so
// always.
func (s *Store) CompleteHead(ctx context.Context, id int64, owner string) (waiting bool, err error) {
	if s.d.Tombstones {
		return true, s.Complete(ctx, id, owner)
	}
	found := false
	err = s.wscan(ctx, func(rows *sql.Rows) error {
		found = true
		return rows.Scan(&waiting)
	}, qCompleteHead, id, owner)
	if err != nil {
		return false, fmt.Errorf("complete job %d: %w", id, err)
	}
	if !found {
		return false, leaseLost("complete", id, owner)
	}
	return waiting, nil
}

// finished holds the ids of jobs this process marked done and has not
// swept yet.
type finished struct {
	mu  sync.Mutex
	ids []any
}

// add notes id; when sweepBatch ids are held it hands them over.
func (f *finished) add(id int64) []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, id)
	if len(f.ids) < sweepBatch {
		return nil
	}
	batch := f.ids
	f.ids = make([]any, 0, sweepBatch)
	return batch
}

// putBack keeps a batch whose sweep failed for the next one (up to a
// batch; the rest are left to the start-up sweep).
func (f *finished) putBack(batch []any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if room := sweepBatch - 1 - len(f.ids); room > 0 {
		f.ids = append(f.ids, batch[:min(room, len(batch))]...)
	}
}

// take hands over the ids held, padded to sweepBatch; nil when none.
func (f *finished) take() []any {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.ids) == 0 {
		return nil
	}
	batch := f.ids
	for len(batch) < sweepBatch {
		batch = append(batch, int64(0))
	}
	f.ids = nil
	return batch
}

// sweepFinished deletes the finished jobs this process has not swept yet
// (Close), or every finished job (all: at Open, after a crash).
func (s *Store) sweepFinished(ctx context.Context, all bool) error {
	if !s.d.Tombstones {
		return nil
	}
	if all {
		_, err := s.wexec(ctx, qSweepAll)
		return err
	}
	// A sweep also commits the completions a transaction holds.
	if batch := s.finished.take(); batch != nil {
		_, err := s.wexec(ctx, qSweep, batch...)
		return err
	}
	return s.settle(ctx)
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

// Retry records a failure of a job owner holds and puts it back to pending
// until next; when a pending job with its coalesce key exists, the job is
// dropped instead.
func (s *Store) Retry(ctx context.Context, id int64, owner string, failedAt, next time.Time, lastErr string) error {
	return s.requeue(ctx, "retry", id, owner, qFail, us(next), lastErr, us(failedAt))
}

// Wait puts a job owner holds back to pending until next, its failures
// untouched; coalescing as Retry.
func (s *Store) Wait(ctx context.Context, id int64, owner string, next time.Time) error {
	return s.requeue(ctx, "wait", id, owner, qRequeue, us(next))
}

// Renew extends the leases of every job owner holds to until.
func (s *Store) Renew(ctx context.Context, owner string, until time.Time) (int, error) {
	n := 0
	err := s.wscan(ctx, func(rows *sql.Rows) error {
		var target string
		if err := rows.Scan(&target); err != nil {
			return err
		}
		n++
		s.leases.lease(target, until)
		return nil
	}, qRenew, owner, us(until))
	if err != nil {
		return 0, fmt.Errorf("renew leases of %s: %w", owner, err)
	}
	return n, nil
}

// requeue supersedes or requeues (with q and its arguments after id and
// owner) a leased job. A concurrent enqueue of the same coalesce key can
// turn the requeue into a unique violation (PostgreSQL) or leave it
// changing nothing; a second round then sees that job and supersedes.
func (s *Store) requeue(ctx context.Context, verb string, id int64, owner string, q string, args ...any) error {
	for round := 1; ; round++ {
		gone, err := s.execOne(ctx, qSupersede, id, owner)
		if err != nil {
			return fmt.Errorf("%s job %d: %w", verb, id, err)
		}
		if gone {
			return nil
		}
		ok, err := s.execOne(ctx, q, append([]any{id, owner}, args...)...)
		if err != nil && round < 3 && s.d.IsUniqueViolation(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s job %d: %w", verb, id, err)
		}
		if !ok && round < 3 {
			continue // a pending twin appeared after the supersede: it goes now
		}
		if !ok {
			return leaseLost(verb, id, owner)
		}
		return nil
	}
}

// Release returns every job owner holds to pending, due at now.
func (s *Store) Release(ctx context.Context, owner string, now time.Time) error {
	var ids []int64
	err := s.wscan(ctx, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	}, qLeased, owner)
	if err != nil {
		return fmt.Errorf("release jobs: %w", err)
	}
	for _, id := range ids {
		err := s.requeue(ctx, "release", id, owner, qRequeue, us(now))
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
	if err := s.settle(ctx); err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	if err := s.r.QueryRowContext(ctx, qOutStats).Scan(&st.Pending, &st.Dead, &oldest); err != nil {
		return st, fmt.Errorf("outbox stats: %w", err)
	}
	if oldest.Valid {
		st.OldestAge = max(now.Sub(fromUS(oldest.Int64)), 0)
	}
	return st, nil
}
