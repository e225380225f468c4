package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
)

// lane claims and delivers one target's jobs, up to slots at once. It
// does not wait for a batch to finish: each delivery that ends frees a
// slot, and the lane claims again at once when a due job may be waiting
// for it (deliver's result, and backlog below); otherwise a poke or the
// poll wakes it.
type lane struct {
	w      *Worker
	target string // "" for every target (RunOnce)
	slots  int
	wake   chan struct{}
	// claims counts the claims the lane has begun: a completion that saw
	// none begin while it ran knows no claim skipped a job behind it.
	claims atomic.Uint64

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
	done := make(chan bool, l.slots) // each delivery's deliver result
	inflight := 0
	timer := time.NewTimer(w.cfg.Poll)
	defer timer.Stop()
	// claim says the lane claims next; backlog that due jobs may be left
	// that the lane had no slot or batch for (or a claim failed), so a
	// slot that frees claims again.
	claim, backlog := true, false
	for ctx.Err() == nil {
		more := false
		if free := l.slots - inflight; claim && free > 0 {
			want := min(free, w.cfg.Batch)
			l.claims.Add(1)
			jobs, err := w.store.Claim(ctx, w.cfg.Owner, l.target, w.cfg.Now(), w.cfg.Lease, want)
			if err != nil && ctx.Err() == nil {
				w.log.Error("claim outbox jobs", "target", l.target, "err", err)
			}
			for _, j := range jobs {
				inflight++
				go func() { done <- w.deliver(ctx, l, j) }()
			}
			// A full claim may have left more due jobs behind it.
			backlog = err != nil || len(jobs) == want
			more = err == nil && len(jobs) == want && inflight < l.slots
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(w.cfg.Poll)
		} else if claim {
			backlog = true // woken with every slot taken
		}
		if more {
			continue
		}
		claim = false
		select {
		case <-ctx.Done():
		case again := <-done:
			inflight--
			claim = again || backlog
		case <-l.wake:
			claim = true
		case <-timer.C:
			claim = true
			timer.Reset(w.cfg.Poll)
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
