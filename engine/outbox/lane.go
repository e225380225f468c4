package outbox

import (
	"context"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// lane claims and delivers one target's jobs, up to slots at once. It
// does not wait for a batch to finish: each delivery that ends frees a
// slot, and the lane claims again at once.
type lane struct {
	w      *Worker
	target string // "" for every target (RunOnce)
	slots  int
	wake   chan struct{}

	mu       sync.Mutex
	lastWait time.Time // the latest due time given to a waiting job
}

func (w *Worker) newLane(target string, slots int) *lane {
	return &lane{w: w, target: target, slots: slots, wake: make(chan struct{}, 1)}
}

func (l *lane) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run claims and delivers until ctx ends, then waits for the deliveries
// under way (each cut off by ctx) to return.
func (l *lane) run(ctx context.Context) {
	w := l.w
	done := make(chan struct{}, l.slots)
	inflight := 0
	timer := time.NewTimer(w.cfg.Poll)
	defer timer.Stop()
	for ctx.Err() == nil {
		more := false
		if free := l.slots - inflight; free > 0 {
			want := min(free, w.cfg.Batch)
			jobs, err := w.store.Claim(ctx, w.cfg.Owner, l.target, w.cfg.Now(), w.cfg.Lease, want)
			if err != nil && ctx.Err() == nil {
				w.log.Error("claim outbox jobs", "target", l.target, "err", err)
			}
			for _, j := range jobs {
				inflight++
				go func() {
					defer func() { done <- struct{}{} }()
					w.deliver(ctx, l, j)
				}()
			}
			// A full claim may have left more due jobs behind it.
			more = err == nil && len(jobs) == want && inflight < l.slots
		}
		if more {
			continue
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(w.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-done:
			inflight--
		case <-l.wake:
		case <-timer.C:
		}
	}
	for ; inflight > 0; inflight-- {
		<-done
	}
}

// spread returns when a job of this lane told to wait until at is due:
// at, or WaitStep after the latest due time given to a waiting job when
// that is later, so that jobs told to wait alike wake one at a time.
func (l *lane) spread(at time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if next := l.lastWait.Add(l.w.cfg.WaitStep); at.Before(next) {
		at = next
	}
	l.lastWait = at
	return at
}

// handler is the handler of a job's kind, or nil.
func (w *Worker) handler(k bot.JobKind) bot.Handler {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.handlers[k]
}
