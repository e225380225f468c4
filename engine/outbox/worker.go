package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
)

// Config tunes the worker. Zero values take the defaults shown.
type Config struct {
	Owner       string        // lease owner name; default host-pid-random
	Lease       time.Duration // how long a claim lasts; 30s
	Batch       int           // jobs claimed at once; 32
	Concurrency int           // jobs delivered at once; 8
	MaxAttempts int           // attempts before dead-lettering; 10
	BaseDelay   time.Duration // first retry delay; 1s
	MaxDelay    time.Duration // longest retry delay; 15m
	Poll        time.Duration // idle poll interval; 1s
	Timeout     time.Duration // one delivery's deadline; 20s (must be below Lease)
	Now         func() time.Time
	// Jitter scales a backoff delay; default a random factor in [0.5, 1.0).
	Jitter func(time.Duration) time.Duration
	// Failpoint is a test hook: when it returns true for a job just
	// handled, its outcome is not recorded, as if the process had been
	// killed (kill -9) between the handler's return and the write; the job
	// stays leased until its lease ends. nil in production.
	Failpoint func(j bot.Job, err error) bool
}

// Defaults of the settings the configuration file tunes.
const (
	DefaultLease       = 30 * time.Second
	DefaultBatch       = 32
	DefaultMaxAttempts = 10
)

func (c *Config) defaults() {
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = host + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64()%1e6, 10)
	}
	setDur(&c.Lease, DefaultLease)
	setDur(&c.BaseDelay, time.Second)
	setDur(&c.MaxDelay, 15*time.Minute)
	setDur(&c.Poll, time.Second)
	setDur(&c.Timeout, 20*time.Second)
	if c.Timeout >= c.Lease {
		c.Timeout = c.Lease * 2 / 3
	}
	setInt(&c.Batch, DefaultBatch)
	setInt(&c.Concurrency, 8)
	setInt(&c.MaxAttempts, DefaultMaxAttempts)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Jitter == nil {
		c.Jitter = func(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) }
	}
}

func setDur(p *time.Duration, d time.Duration) {
	if *p <= 0 {
		*p = d
	}
}

func setInt(p *int, n int) {
	if *p <= 0 {
		*p = n
	}
}

// Counters are the worker's running totals, for metrics.
type Counters struct {
	Delivered, Retried, Dead, LostLeases uint64
}

// Worker claims and delivers outbox jobs.
type Worker struct {
	cfg      Config
	store    bot.Outbox
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[bot.JobKind]bot.Handler
	wake     chan struct{}

	delivered, retried, dead, lost atomic.Uint64
}

// New builds a worker over the store's outbox.
func New(cfg Config, store bot.Outbox, log *slog.Logger) *Worker {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{
		cfg: cfg, store: store, log: log.With("component", "outbox"),
		handlers: map[bot.JobKind]bot.Handler{}, wake: make(chan struct{}, 1),
	}
}

// Handle registers the handler of a job kind, replacing any earlier one.
func (w *Worker) Handle(kind bot.JobKind, h bot.Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// Poke wakes the worker: new jobs may be due. It never blocks.
func (w *Worker) Poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Counters returns the running totals.
func (w *Worker) Counters() Counters {
	return Counters{Delivered: w.delivered.Load(), Retried: w.retried.Load(), Dead: w.dead.Load(), LostLeases: w.lost.Load()}
}

// Owner is the name the worker leases jobs under.
func (w *Worker) Owner() string { return w.cfg.Owner }

// Run delivers jobs until ctx ends, then returns the jobs it still holds to
// the queue so another process (or the next start) picks them up at once.
func (w *Worker) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Error("claim outbox jobs", "err", err)
		}
		if n < w.cfg.Batch || err != nil {
			timer.Reset(w.cfg.Poll)
			select {
			case <-ctx.Done():
			case <-w.wake:
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := w.store.Release(rctx, w.cfg.Owner, w.cfg.Now()); err != nil {
				return fmt.Errorf("release outbox leases: %w", err)
			}
			return nil
		}
	}
}

// RunOnce claims one batch of due jobs and delivers them, returning how many
// it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	jobs, err := w.store.Claim(ctx, w.cfg.Owner, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim: %w", err)
	}
	// Jobs of one batch never share an order key, so they may run at once.
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func(j bot.Job) {
			defer func() { <-sem; wg.Done() }()
			w.deliver(ctx, j)
		}(j)
	}
	wg.Wait()
	return len(jobs), nil
}

// deliver runs one job's handler and records the outcome. The outcome is
// written even when ctx is ending, so that a delivered job is not redone.
func (w *Worker) deliver(ctx context.Context, j bot.Job) {
	w.mu.RLock()
	h := w.handlers[j.Kind]
	w.mu.RUnlock()
	var err error
	if h == nil {
		err = bot.Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
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
		return
	}
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	log := w.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	var serr error
	switch {
	case err == nil:
		serr = w.store.Complete(octx, j.ID, w.cfg.Owner)
		if serr == nil {
			w.delivered.Add(1)
		}
	case bot.IsPermanent(err) || j.Attempts >= w.cfg.MaxAttempts && !isWait(err):
		serr = w.store.Bury(octx, j.ID, w.cfg.Owner, err.Error())
		if serr == nil {
			w.dead.Add(1)
			log.Error("outbox job dead-lettered", "err", err)
		}
	default:
		next := w.cfg.Now().Add(w.delay(j.Attempts, err))
		serr = w.store.Retry(octx, j.ID, w.cfg.Owner, next, err.Error())
		if serr == nil {
			w.retried.Add(1)
			log.Warn("outbox job failed, will retry", "err", err, "next", next)
		}
	}
	if serr != nil {
		w.lost.Add(1)
		log.Warn("record outbox job outcome", "err", serr)
	}
}

// delay is the wait before the next attempt: the other side's hint when it
// gave one, otherwise exponential backoff with jitter, capped.
func (w *Worker) delay(attempts int, err error) time.Duration {
	if d, ok := bot.WaitHint(err); ok && d > 0 {
		return min(d, w.cfg.MaxDelay)
	}
	if d, ok := bot.RetryAfterHint(err); ok && d > 0 {
		return min(d, w.cfg.MaxDelay)
	}
	d := w.cfg.BaseDelay
	for i := 1; i < attempts && d < w.cfg.MaxDelay; i++ {
		d *= 2
	}
	return w.cfg.Jitter(min(d, w.cfg.MaxDelay))
}

func isWait(err error) bool {
	_, ok := bot.WaitHint(err)
	return ok
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
