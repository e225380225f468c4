package sqlstore

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
)

// Jobs claimed as they are enqueued (bot.Handoff): when this process's
// worker has a slot free for a due job, the job is written running and
// leased to it in the enqueuing transaction, and handed to the worker once
// that transaction committed. The claim's own statement and commit (an
// UPDATE of the job's row, a page of the table on SQLite) are not written.
// A job that must wait behind a live job of its order key, or that a
// pending job with its coalesce key takes, is written as before.

// qEnqueueClaimed writes a job running, leased to $9 until $10, attempted
// once and marked handed (schema 46: SQLite's outbox_due leaves it out), unless a pending job holds its coalesce key (qEnqueue's
// condition) or a live job of its order key is older (qClaim's): either
// way it adds nothing, and the job is enqueued as before. %[1]s, %[2]s and
// %[3]s are qEnqueue's.
const qEnqueueClaimed = `INSERT INTO outbox (%[1]skind, incident, payload, order_key, coalesce_key, status, attempts, next_at, last_error, created_at, target, lease_owner, lease_until, handed)
	SELECT %[2]s$1, $2, $3, $4, $5, 'running', 1, $6, '', $7, $8, $9, $10, 1
	WHERE NOT EXISTS (SELECT 1 FROM outbox p WHERE p.order_key IS NOT DISTINCT FROM $4 AND p.coalesce_key = $5 AND p.status = 'pending')
	  AND NOT EXISTS (SELECT 1 FROM outbox h WHERE h.order_key = $4 AND h.status <> 'done')
	%[3]s`

// handoffs holds the worker jobs are handed to, if any.
type handoffs struct {
	h atomic.Pointer[bot.Handoff]
}

// SetHandoff makes the store write every due job that h reserves already
// claimed by h, and hand it to h after its commit (bot.Handoff); nil
// stops it.
func (s *Store) SetHandoff(h bot.Handoff) {
	if h == nil {
		s.handoff.h.Store(nil)
		return
	}
	s.handoff.h.Store(&h)
}

func (s *Store) handoffTo() bot.Handoff {
	if p := s.handoff.h.Load(); p != nil {
		return *p
	}
	return nil
}

// enqueueClaimed writes j claimed by the worker, when it reserves a slot
// for j and no older live job of j's order key or pending job of its
// coalesce key stands in the way, and reports whether it did.
func (t *tx) enqueueClaimed(ctx context.Context, j *bot.Job, created time.Time) (bool, error) {
	h := t.s.handoffTo()
	if h == nil {
		return false, nil
	}
	owner, until, ok := h.Reserve(j)
	if !ok {
		return false, nil
	}
	target := j.Kind.Target()
	id, err := t.insert(ctx, qEnqueueClaimed, j.Kind, nullID(j.Incident), t.payload(j.Payload), nullStr(j.OrderKey), nullStr(j.CoalesceKey),
		us(j.NextAt), us(created), target, owner, us(until))
	if err != nil || id == 0 {
		h.Unreserve(target)
		return false, err
	}
	j.ID, j.Status, j.Attempts, j.CreatedAt, j.Target = id, bot.JobRunning, 1, created, target
	j.LeaseOwner, j.LeaseUntil, j.NextAt = owner, until, until // a running job is next due when its lease ends
	t.handed, t.hand = append(t.handed, *j), h
	t.s.leases.lease(target, until)
	return true, nil
}

// handOver ends the reservations of the jobs t wrote claimed, from the
// from-th on: hands them to the worker when their transaction committed,
// gives them back when it did not (or their call's savepoint rolled back).
func (t *tx) handOver(from int, committed bool) {
	if len(t.handed) <= from {
		return
	}
	h := t.hand
	jobs := t.handed[from:]
	t.handed = t.handed[:from:from]
	if committed {
		h.Deliver(jobs)
		return
	}
	for _, j := range jobs {
		h.Unreserve(j.Target)
	}
}
