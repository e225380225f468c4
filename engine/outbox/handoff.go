package outbox

import (
	"time"

	"github.com/warroom/warroom/bot"
)

// The worker takes jobs as they are enqueued (bot.Handoff): a store that
// supports it writes a due job already claimed by the worker when the
// job's lane runs with a slot free, and hands it over after its commit,
// so that the job needs no claim of its own. The lane delivers it as one
// it claimed. Wire it with the store's SetHandoff before Run.

var _ bot.Handoff = (*Worker)(nil)

// Reserve takes a slot of j's lane for j, when j is due now, has a
// handler, and the lane runs with a slot free and no known backlog; the
// job is then to be written leased to the worker for one lease.
func (w *Worker) Reserve(j *bot.Job) (owner string, until time.Time, ok bool) {
	now := w.cfg.Now()
	if j.NextAt.After(now) || w.handler(j.Kind) == nil {
		return "", time.Time{}, false
	}
	l := w.lane(j.Kind.Target())
	if l == nil {
		return "", time.Time{}, false
	}
	if !l.reserve() {
		return "", time.Time{}, false
	}
	return w.cfg.Owner, now.Add(w.cfg.Lease), true
}

// Deliver delivers jobs reserved and written claimed, once committed.
func (w *Worker) Deliver(jobs []bot.Job) {
	for _, j := range jobs {
		l := w.lane(j.Target)
		if l == nil {
			continue // not reserved here: its lease runs out and it is claimed again
		}
		l.mu.Lock()
		ctx := l.ctx
		l.mu.Unlock()
		go func() {
			if ctx.Err() != nil {
				l.done <- false // stopping: Run's Release hands it back
				return
			}
			l.done <- w.deliver(ctx, l, j)
		}()
	}
}

// Unreserve gives back a slot reserved for a job of target that was not
// written claimed or not committed.
func (w *Worker) Unreserve(target string) {
	if l := w.lane(target); l != nil {
		l.done <- false
	}
}

// lane is Run's lane of target, or nil.
func (w *Worker) lane(target string) *lane {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.lanes[target]
}
