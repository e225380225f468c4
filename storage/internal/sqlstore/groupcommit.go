package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// Group commit: concurrent InTx calls share one database transaction and
// so one commit. Each caller's fn runs in a savepoint of its own, one after
// another, in the order the calls arrived: a fn that fails is rolled back
// to its savepoint and fails alone, its neighbours go on. Every caller is
// answered only after the shared COMMIT returned, with that commit's
// outcome, so "committed before the reply" holds exactly as it does for a
// transaction of one's own; what a crash before the commit loses is only
// work nobody was told was done.
//
// There is no background goroutine: the first caller to find no leader
// running becomes it, commits what is queued, and hands the role on to a
// fresh goroutine when more is queued by the time its own call is answered.

// groupLimit bounds the calls one transaction takes: a transaction's
// dirty pages stay in memory until it commits.
const groupLimit = 64

// An early call (inGroupEarly: an outbox completion) is answered as soon
// as its statements ran, before the commit, so that it need not commit by
// itself: a transaction that holds early calls only is held open for up to
// holdFor, and the next calls to arrive join it and commit it. Whatever an
// early call wrote may be lost with its transaction (a crash, a failed
// commit); a completion lost so redelivers a job whose message is stored
// already, which the outbox's "never posts twice" covers.
const holdFor = 10 * time.Millisecond

// The savepoint statements, prepared with the writer's others.
const (
	qSavepoint  = `SAVEPOINT call`
	qRelease    = `RELEASE SAVEPOINT call`
	qRollbackTo = `ROLLBACK TO SAVEPOINT call`
)

// groupReq is one caller's fn waiting for its transaction.
type groupReq struct {
	ctx   context.Context
	fn    func(bot.Tx) error
	early bool // answered before the commit (holdFor)
	err   error
	panic any // what fn panicked with, re-raised in the caller
	done  chan struct{}
}

// grouper is the queue of InTx calls.
type grouper struct {
	mu      sync.Mutex
	queue   []*groupReq
	running bool
	// held says a transaction holds early calls not yet committed; wake,
	// when not nil, ends its holding as soon as a call is queued.
	held bool
	wake chan struct{}
	// commits and calls count group transactions and the calls they held
	// (for tests and benchmarks).
	commits, calls int64
}

// GroupStats reports how many group transactions committed or failed and
// how many InTx calls they held.
func (s *Store) GroupStats() (transactions, calls int64) {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return s.group.commits, s.group.calls
}

// inGroup queues fn and waits until the transaction holding it ended.
func (s *Store) inGroup(ctx context.Context, fn func(bot.Tx) error) error {
	return s.queueCall(ctx, fn, false)
}

// inGroupEarly queues fn and waits until it ran: its writes are committed
// with the next calls or after holdFor (see holdFor for what that risks).
func (s *Store) inGroupEarly(ctx context.Context, fn func(bot.Tx) error) error {
	return s.queueCall(ctx, fn, true)
}

// settle commits the early calls a transaction holds, if any, so that the
// readers see them.
func (s *Store) settle(ctx context.Context) error {
	s.group.mu.Lock()
	held := s.group.held
	s.group.mu.Unlock()
	if !held {
		return nil
	}
	return s.inGroup(ctx, func(bot.Tx) error { return nil })
}

func (s *Store) queueCall(ctx context.Context, fn func(bot.Tx) error, early bool) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("begin transaction: %w", context.Cause(ctx))
	}
	r := &groupReq{ctx: ctx, fn: fn, early: early, done: make(chan struct{})}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, r)
	lead := !g.running
	g.running = true
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
	g.mu.Unlock()
	switch {
	case lead && early:
		// The leader may hold the transaction after answering: not in
		// the caller's time.
		go s.lead(nil)
	case lead:
		s.lead(r)
	}
	// A caller is never answered before its work is known to be
	// committed or not.
	<-r.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// take removes up to groupLimit calls from the queue; with nothing
// queued it ends the leader's run.
func (s *Store) take() []*groupReq {
	g := &s.group
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		g.running = false
		return nil
	}
	n := min(len(g.queue), groupLimit)
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	if len(g.queue) == 0 {
		g.queue = nil
	}
	return batch
}

// putBack puts calls that did not run back at the head of the queue.
func (s *Store) putBack(reqs []*groupReq) {
	if len(reqs) == 0 {
		return
	}
	g := &s.group
	g.mu.Lock()
	g.queue = append(reqs[:len(reqs):len(reqs)], g.queue...)
	g.mu.Unlock()
}

// lead commits groups until the queue is empty or own is answered, then
// hands the role on.
func (s *Store) lead(own *groupReq) {
	for {
		batch := s.take()
		if batch == nil {
			return
		}
		s.putBack(s.runGroup(batch, own == nil))
		if own != nil && isDone(own) {
			g := &s.group
			g.mu.Lock()
			idle := len(g.queue) == 0
			if idle {
				g.running = false
			}
			g.mu.Unlock()
			if !idle {
				go s.lead(nil)
			}
			return
		}
	}
}

func isDone(r *groupReq) bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// runGroup runs batch in one transaction and answers the calls it held. It
// returns the calls it did not get to, when the transaction broke before
// their turn. When the transaction holds early calls only and canHold (the
// leader is no caller's goroutine), it waits up to holdFor for more.
func (s *Store) runGroup(batch []*groupReq, canHold bool) (unrun []*groupReq) {
	// The group's own statements run under a context no caller can
	// cancel, and each fn's statements under its caller's context without
	// the cancellation: a caller giving up mid-statement would interrupt
	// the statement, and an interrupted SQLite write rolls back the whole
	// transaction, neighbours included. A caller that gave up before its
	// turn is skipped.
	ctx := context.Background()
	if len(batch) == 1 && !batch[0].early {
		s.runAlone(ctx, batch[0])
		return nil
	}
	var ran []*groupReq // fn returned nil: answered with the commit's outcome
	early := 0          // early calls that ran, answered already
	answer := func(reqs []*groupReq, err error) {
		for _, r := range reqs {
			if err != nil {
				r.err = err
			}
			close(r.done)
		}
	}
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		answer(batch, fmt.Errorf("begin transaction: %w", err))
		return nil
	}
	t := &tx{s: s, tx: sqltx}
	defer s.setHeld(false)
	defer t.handOver(0, false) // nothing left once committed
	for {
		if unrun, ok := s.runCalls(ctx, sqltx, t, batch, &ran, &early, answer); !ok {
			return unrun
		}
		if !canHold || len(ran) > 0 || early == 0 || early >= groupLimit {
			break
		}
		// Early calls only: hold the transaction for the next calls.
		if batch = s.waitMore(groupLimit - early); batch == nil {
			break
		}
	}
	if len(ran) == 0 && early == 0 {
		_ = sqltx.Rollback()
		return nil
	}
	err = s.commit(sqltx, len(ran)+early)
	t.handOver(0, err == nil)
	answer(ran, err)
	return nil
}

// runCalls runs batch's calls in the group transaction, each in a
// savepoint, adding those that succeeded to ran (or counting them in
// early, answered at once). When the transaction broke it answers what
// ran with the error and returns false and the calls it did not get to.
func (s *Store) runCalls(ctx context.Context, sqltx *sql.Tx, t *tx, batch []*groupReq, ran *[]*groupReq, early *int,
	answer func([]*groupReq, error)) (unrun []*groupReq, ok bool) {
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			answer([]*groupReq{r}, fmt.Errorf("begin transaction: %w", context.Cause(r.ctx)))
			continue
		}
		t.ctx = ctx
		if _, err := t.exec(ctx, qSavepoint); err != nil {
			// The transaction is gone: what ran is lost with it, and was
			// never answered; this call fails too (so that every group
			// makes progress), the rest waits for the next transaction.
			_ = sqltx.Rollback()
			answer(append(*ran, r), fmt.Errorf("savepoint: %w", err))
			return batch[i+1:], false
		}
		callCtx, cancel := s.callContext(r.ctx)
		t.ctx = callCtx
		handed := len(t.handed)
		r.panic, r.err = callFn(r.fn, t)
		cancel()
		t.ctx = ctx
		if r.err == nil && r.panic == nil {
			if _, err := t.exec(ctx, qRelease); err != nil {
				_ = sqltx.Rollback()
				answer(append(*ran, r), fmt.Errorf("release savepoint: %w", err))
				return batch[i+1:], false
			}
			if r.early {
				*early++
				s.setHeld(true) // before the answer: settle must see it
				close(r.done)
				continue
			}
			*ran = append(*ran, r)
			continue
		}
		t.handOver(handed, false) // the call's jobs roll back with it
		if _, err := t.exec(ctx, qRollbackTo); err != nil {
			_ = sqltx.Rollback()
			answer([]*groupReq{r}, nil) // its own error stands
			answer(*ran, fmt.Errorf("roll back a failed call: %w", err))
			return batch[i+1:], false
		}
		if _, err := t.exec(ctx, qRelease); err != nil {
			_ = sqltx.Rollback()
			answer([]*groupReq{r}, nil)
			answer(*ran, fmt.Errorf("release savepoint: %w", err))
			return batch[i+1:], false
		}
		answer([]*groupReq{r}, nil)
	}
	return nil, true
}

// setHeld notes whether a transaction holds early calls.
func (s *Store) setHeld(held bool) {
	s.group.mu.Lock()
	s.group.held = held
	s.group.mu.Unlock()
}

// waitMore takes up to limit queued calls, waiting up to holdFor for the
// first; nil when none came.
func (s *Store) waitMore(limit int) []*groupReq {
	g := &s.group
	g.mu.Lock()
	if len(g.queue) == 0 {
		wake := make(chan struct{})
		g.wake = wake
		g.mu.Unlock()
		t := time.NewTimer(holdFor)
		select {
		case <-wake:
		case <-t.C:
		}
		t.Stop()
		g.mu.Lock()
		if g.wake == wake {
			g.wake = nil
		}
	}
	defer g.mu.Unlock()
	n := min(len(g.queue), limit)
	if n == 0 {
		return nil
	}
	batch := g.queue[:n:n]
	g.queue = g.queue[n:]
	if len(g.queue) == 0 {
		g.queue = nil
	}
	return batch
}

// runAlone runs a group of one: no savepoint is needed, its failure rolls
// back the transaction.
func (s *Store) runAlone(ctx context.Context, r *groupReq) {
	defer close(r.done)
	if err := r.ctx.Err(); err != nil {
		r.err = fmt.Errorf("begin transaction: %w", context.Cause(r.ctx))
		return
	}
	sqltx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		r.err = fmt.Errorf("begin transaction: %w", err)
		return
	}
	callCtx, cancel := s.callContext(r.ctx)
	defer cancel()
	t := &tx{s: s, tx: sqltx, ctx: callCtx}
	defer t.handOver(0, false) // nothing left once committed
	r.panic, r.err = callFn(r.fn, t)
	if r.err != nil || r.panic != nil {
		_ = sqltx.Rollback()
		return
	}
	r.err = s.commit(sqltx, 1)
	t.handOver(0, r.err == nil)
}

// commit commits a group transaction of calls calls and counts it.
func (s *Store) commit(sqltx *sql.Tx, calls int) error {
	err := sqltx.Commit()
	s.group.mu.Lock()
	s.group.commits++
	s.group.calls += int64(calls)
	s.group.mu.Unlock()
	if err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// callContext is what a call's statements run under: its caller's context
// without the cancellation but with its deadline, so that a statement
// waiting on a lock still ends. A deadline that interrupts a statement may
// break the group's transaction; its other calls are then answered with
// the error, never as done. Where no statement waits on a lock
// (Dialect.OneWriter) the deadline is left out too: it could only
// interrupt work that is running, and roll back the neighbours' with it.
func (s *Store) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	c := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok && !s.d.OneWriter {
		return context.WithDeadline(c, dl)
	}
	return c, func() {}
}

// callFn runs fn, turning a panic into a value for its caller to re-raise.
func callFn(fn func(bot.Tx) error, t *tx) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return nil, t.call(t.ctx, fn)
}

// Queued counts the InTx calls waiting for a group transaction.
func (s *Store) Queued() int {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return len(s.group.queue)
}
