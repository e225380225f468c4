package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Group commit: concurrent HandleAlerts calls queue their deliveries; one
// of them (the committer) takes everything queued, handles it in one
// transaction and answers every caller whose work that transaction
// committed. Nobody is answered before the commit, and the queue is
// bounded: a full queue answers CodeUnavailable instead of growing.
//
// There is no background goroutine: the first caller to find no committer
// running becomes it; when its own delivery is committed it hands the role
// to a fresh goroutine if work is still queued, which stops when the queue
// is empty.

// batchTimeout bounds one group transaction.
const batchTimeout = 30 * time.Second

// committer is the group-commit queue.
type committer struct {
	mu      sync.Mutex
	queue   []*alertReq
	queued  int // alerts in queue
	running bool
}

// alertReq is one caller's delivery waiting to be committed.
type alertReq struct {
	ctx    context.Context
	cause  Cause
	alerts []Alert
	res    AlertResult
	err    error
	done   chan struct{}
}

func (r *alertReq) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// submit queues a delivery and waits until it is committed or failed.
func (s *Service) submit(ctx context.Context, cause Cause, alerts []Alert) (AlertResult, error) {
	req := &alertReq{ctx: ctx, cause: cause, alerts: alerts, done: make(chan struct{})}
	gc := &s.gc
	gc.mu.Lock()
	if gc.queued > 0 && gc.queued+len(alerts) > s.liveAlerts().maxQueued {
		gc.mu.Unlock()
		return AlertResult{}, Errorf(CodeUnavailable, "too many alerts are waiting to be stored; retry shortly")
	}
	gc.queue = append(gc.queue, req)
	gc.queued += len(alerts)
	lead := !gc.running
	gc.running = true
	gc.mu.Unlock()
	if lead {
		s.drain(req)
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		// The delivery may still commit; the sender's retry is then a duplicate.
		return AlertResult{}, context.Cause(ctx)
	}
}

// take removes up to maxBatch alerts' worth of deliveries from the queue
// (at least one). With nothing queued it ends the committer's run.
func (s *Service) take() []*alertReq {
	gc := &s.gc
	gc.mu.Lock()
	defer gc.mu.Unlock()
	if len(gc.queue) == 0 {
		gc.running = false
		return nil
	}
	// One transaction takes deliveries of one Cause.Origin, since the
	// batch's changes share the cause; a call naming a Cause.Delivery is
	// committed alone.
	first := gc.queue[0].cause
	n, count := 0, 0
	alone := first.Delivery.Key != ""
	mergeable := func(r *alertReq) bool {
		return !alone && r.cause.Origin == first.Origin && r.cause.Delivery.Key == "" && count+len(r.alerts) <= s.liveAlerts().maxBatch
	}
	for n < len(gc.queue) && (n == 0 || mergeable(gc.queue[n])) {
		count += len(gc.queue[n].alerts)
		n++
	}
	batch := gc.queue[:n:n]
	gc.queue = gc.queue[n:]
	if len(gc.queue) == 0 {
		gc.queue = nil
	}
	gc.queued -= count
	return batch
}

// drain commits batches until the queue is empty, or until own is
// answered, then hands on the committer's role.
func (s *Service) drain(own *alertReq) {
	for {
		batch := s.take()
		if batch == nil {
			return
		}
		s.commitBatch(batch)
		if own != nil && own.finished() {
			go s.drain(nil)
			return
		}
	}
}

// commitBatch handles a batch in one transaction; when that fails and the
// batch holds several deliveries, each is retried alone so that one bad
// delivery fails only itself.
func (s *Service) commitBatch(batch []*alertReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = context.Cause(r.ctx)
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if due, err := s.runBatch(live); err == nil || len(live) == 1 && !errors.Is(err, errAlertRace) {
		s.answer(live, due, err)
		return
	}
	for _, r := range live {
		due, err := s.runBatch([]*alertReq{r})
		s.answer([]*alertReq{r}, due, err)
	}
}

// dueWatch is a transaction that notes whether it enqueued a job due at
// once: only then is the outbox worker woken after the commit (a delayed
// card edit waits for the worker's next poll).
type dueWatch struct {
	Tx
	now time.Time
	due bool
}

func (w *dueWatch) Enqueue(ctx context.Context, j *Job) error {
	if !j.NextAt.After(w.now) {
		w.due = true
	}
	return w.Tx.Enqueue(ctx, j)
}

// runBatch handles reqs in one transaction, filling each one's result. It
// reports whether the transaction enqueued a job due at once.
func (s *Service) runBatch(reqs []*alertReq) (due bool, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(reqs[0].ctx), batchTimeout)
	defer cancel()
	cause := reqs[0].cause
	err = s.store.InTx(ctx, func(stx Tx) error {
		tx := &dueWatch{Tx: stx, now: s.Now()}
		defer func() { due = tx.due }()
		// The delivery is marked once here, not by every change the
		// batch makes.
		if err := markDelivery(ctx, tx, cause.Delivery, s.Now()); err != nil {
			return err
		}
		b := s.newBatch(ctx, tx, Cause{Origin: cause.Origin})
		routes, err := b.lockGroups(reqs)
		if err != nil {
			return err
		}
		for i, r := range reqs {
			res, err := b.handle(r.alerts, routes[i])
			if err != nil {
				return err
			}
			r.res = res
		}
		return b.finish()
	})
	return due, err
}

// answer wakes the callers of reqs with err (nil: committed), and the
// outbox worker when the commit enqueued a job due at once.
func (s *Service) answer(reqs []*alertReq, due bool, err error) {
	if err == nil {
		if due {
			s.committed()
		}
	} else {
		s.log.Error("store alerts", "deliveries", len(reqs), "err", err)
	}
	for _, r := range reqs {
		if err != nil {
			r.res = AlertResult{}
			r.err = err
		}
		close(r.done)
	}
}
