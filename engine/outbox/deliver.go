package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/warroom/warroom/bot"
)

// headCompleter is an outbox whose completion of a job also says whether
// a younger job of its order key is waiting behind it (and may be
// claimed now), so that a lane claims again after a delivery only then.
type headCompleter interface {
	CompleteHead(ctx context.Context, id int64, owner string) (waiting bool, err error)
}

// deliver runs one job's handler and records the outcome. The outcome is
// written even when ctx is ending, so that a delivered job is not redone.
// It reports whether l should claim again: false only when the job was
// completed, no job of its order key waits behind it, and no claim of l
// began while the completion ran (one that may have seen the job still
// running and passed over a job enqueued behind it meanwhile).
func (w *Worker) deliver(ctx context.Context, l *lane, j bot.Job) (again bool) {
	again = true
	h := w.handler(j.Kind)
	var err error
	if h == nil {
		err = bot.Permanent(fmt.Errorf("%w %q", errNoHandler, j.Kind))
	} else {
		hctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
		err = safeCall(hctx, h, j)
		cancel()
	}
	if err != nil && ctx.Err() != nil {
		// Cut off by shutdown, not failed: Run's Release hands it back.
		return
	}
	if w.cfg.Failpoint != nil && w.cfg.Failpoint(j, err) {
		return // a test's kill -9: the outcome is never recorded
	}
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	log := w.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	now := w.cfg.Now()
	var serr error
	wait, isWait := bot.WaitHint(err)
	switch {
	case err == nil:
		if hc, ok := w.store.(headCompleter); ok {
			claims := l.claims.Load()
			var waiting bool
			waiting, serr = hc.CompleteHead(octx, j.ID, w.cfg.Owner)
			again = serr != nil || waiting || l.claims.Load() != claims
		} else {
			serr = w.store.Complete(octx, j.ID, w.cfg.Owner)
		}
		if serr == nil {
			w.delivered.Add(1)
		}
	case bot.IsPermanent(err):
		serr = w.bury(octx, log, j, err)
	case isWait:
		next := l.spread(now.Add(wait))
		serr = w.store.Wait(octx, j.ID, w.cfg.Owner, next)
		if serr == nil {
			w.waited.Add(1)
			log.Debug("outbox job waits", "reason", err, "next", next)
		}
	case w.spent(j, now):
		serr = w.bury(octx, log, j, err)
	default:
		next := now.Add(w.delay(j.Failures+1, err))
		serr = w.store.Retry(octx, j.ID, w.cfg.Owner, now, next, err.Error())
		if serr == nil {
			w.retried.Add(1)
			log.Warn("outbox job failed, will retry", "err", err, "failures", j.Failures+1, "next", next)
		}
	}
	if serr != nil {
		w.lost.Add(1)
		log.Warn("record outbox job outcome", "err", serr)
	}
	return again
}

// spent reports whether the failure now at hand spends j's budget: it is
// at least its MaxFailures-th, and the first is at least MaxFailureAge old.
func (w *Worker) spent(j bot.Job, now time.Time) bool {
	first := j.FirstFailedAt
	if first.IsZero() {
		first = now
	}
	return j.Failures+1 >= w.cfg.MaxFailures && now.Sub(first) >= w.cfg.MaxFailureAge
}

func (w *Worker) bury(ctx context.Context, log *slog.Logger, j bot.Job, err error) error {
	serr := w.store.Bury(ctx, j.ID, w.cfg.Owner, err.Error())
	if serr == nil {
		w.dead.Add(1)
		log.Error("outbox job dead-lettered", "err", err, "failures", j.Failures)
	}
	return serr
}

// delay is the wait before the attempt after the given number of
// failures: the other side's hint when it gave one, otherwise exponential
// backoff with jitter, capped.
func (w *Worker) delay(failures int, err error) time.Duration {
	if d, ok := bot.RetryAfterHint(err); ok && d > 0 {
		return min(d, w.cfg.MaxDelay)
	}
	d := w.cfg.BaseDelay
	for i := 1; i < failures && d < w.cfg.MaxDelay; i++ {
		d *= 2
	}
	return w.cfg.Jitter(min(d, w.cfg.MaxDelay))
}

// safeCall runs h, turning a panic into an error so one bad job cannot stop
// the worker.
func safeCall(ctx context.Context, h bot.Handler, j bot.Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	return h(ctx, j)
}
