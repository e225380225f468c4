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
// poll wakes it. While it runs it also takes jobs handed to it as they
// are enqueued (handoff.go), each in a slot reserved beforehand.
type lane struct {
	w      *Worker
	target string // "" for every target (RunOnce)
	slots  int
	wake   chan struct{}
	// done carries the end of each slot's use: a delivery's deliver
	// result, or false for a reservation given back. A claim's jobs may
	// join reservations made while it ran, so up to twice slots are in
	// use (cap).
	done chan bool
	// claims counts the claims the lane has begun: a completion that saw
	// none begin while it ran knows no claim skipped a job behind it.
	claims atomic.Uint64

	mu       sync.Mutex
	lastWait time.Time // the latest due time given to a waiting job
	// busy counts the slots in use: deliveries under way and reservations
	// not yet delivered or given back. open says run runs (and takes
	// reservations) under ctx; backlog that due jobs may be left that the
	// lane had no slot or batch for, or that a claim failed: the jobs
	// enqueued then wait their turn behind them.
	busy    int
	open    bool
	backlog bool
	ctx     context.Context
}

func (w *Worker) newLane(target string, slots int) *lane {
	return &lane{w: w, target: target, slots: slots, wake: make(chan struct{}, 1), done: make(chan bool, 2*slots)}
}

func (l *lane) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run claims and delivers until ctx ends, then waits for the deliveries
// under way (each cut off by ctx) and the reservations held to end.
func (l *lane) run(ctx context.Context) {
	w := l.w
	l.setOpen(ctx, true)
	timer := time.NewTimer(w.cfg.Poll)
	defer timer.Stop()
	// claim says the lane claims next.
	claim := true
	for ctx.Err() == nil {
		more := false
		if free := l.free(); claim && free > 0 {
			want := min(free, w.cfg.Batch)
			l.claims.Add(1)
			jobs, err := w.store.Claim(ctx, w.cfg.Owner, l.target, w.cfg.Now(), w.cfg.Lease, want)
			if err != nil && ctx.Err() == nil {
				w.log.Error("claim outbox jobs", "target", l.target, "err", err)
			}
			// A full claim may have left more due jobs behind it.
			l.claimed(len(jobs), err != nil || len(jobs) == want)
			for _, j := range jobs {
				go func() { l.done <- w.deliver(ctx, l, j) }()
			}
			more = err == nil && len(jobs) == want && l.free() > 0
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(w.cfg.Poll)
		} else if claim {
			l.setBacklog() // woken with every slot taken
		}
		if more {
			continue
		}
		claim = false
		select {
		case <-ctx.Done():
		case again := <-l.done:
			claim = l.ended() || again
		case <-l.wake:
			claim = true
		case <-timer.C:
			claim = true
			timer.Reset(w.cfg.Poll)
		}
	}
	for l.setOpen(ctx, false); l.inUse(); {
		<-l.done
		l.ended()
	}
}

// setOpen opens the lane to reservations under ctx, or closes it.
func (l *lane) setOpen(ctx context.Context, open bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open, l.ctx = open, ctx
}

// free is how many slots are not in use.
func (l *lane) free() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(l.slots-l.busy, 0)
}

func (l *lane) inUse() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.busy > 0
}

// claimed notes n jobs claimed, and whether due jobs may be left behind.
func (l *lane) claimed(n int, backlog bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy += n
	l.backlog = backlog
}

func (l *lane) setBacklog() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.backlog = true
}

// ended frees the slot whose end done carried, and says whether a
// backlog is known (the lane claims again then).
func (l *lane) ended() (backlog bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.busy--
	return l.backlog
}

// reserve takes a slot for a job handed to the lane, when it is open, has
// a slot free and knows of no backlog.
func (l *lane) reserve() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.open || l.backlog || l.busy >= l.slots {
		return false
	}
	l.busy++
	return true
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
