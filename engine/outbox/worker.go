package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/bot"
)

// Config tunes the worker. Zero values take the defaults shown.
type Config struct {
	Owner     string        // lease owner name; default host-pid-random
	Lease     time.Duration // how long a claim lasts unless renewed; 10s
	Heartbeat time.Duration // how often held leases are renewed; 3s (below Lease)
	Batch     int           // most jobs one claim takes; 32
	// Concurrency is how many jobs one lane (one target) delivers at once;
	// 8. Lanes overrides it per target.
	Concurrency int
	Lanes       map[string]int
	// The failure budget: a job is dead-lettered when it has failed at
	// least MaxFailures times AND its first failure is at least
	// MaxFailureAge old; 25 and 24h. Waits never count.
	MaxFailures   int
	MaxFailureAge time.Duration
	BaseDelay     time.Duration // first retry delay; 1s
	MaxDelay      time.Duration // longest retry delay; 15m
	Poll          time.Duration // idle poll interval; 1s
	Timeout       time.Duration // one delivery's deadline; 20s
	// WaitStep spreads waits: jobs of one lane told to wait are due at
	// least this far apart, so that they do not all wake at once; 50ms.
	WaitStep time.Duration
	Now      func() time.Time
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
	DefaultLease         = 8 * time.Second
	DefaultHeartbeat     = 3 * time.Second
	DefaultBatch         = 32
	DefaultConcurrency   = 8
	DefaultMaxFailures   = 25
	DefaultMaxFailureAge = 24 * time.Hour
)

func (c *Config) defaults() {
	if c.Owner == "" {
		host, _ := os.Hostname()
		c.Owner = host + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64()%1e6, 10)
	}
	setDur(&c.Lease, DefaultLease)
	setDur(&c.Heartbeat, min(DefaultHeartbeat, c.Lease/3))
	setDur(&c.MaxFailureAge, DefaultMaxFailureAge)
	setDur(&c.BaseDelay, time.Second)
	setDur(&c.MaxDelay, 15*time.Minute)
	setDur(&c.Poll, time.Second)
	setDur(&c.Timeout, 20*time.Second)
	setDur(&c.WaitStep, 50*time.Millisecond)
	setInt(&c.Batch, DefaultBatch)
	setInt(&c.Concurrency, DefaultConcurrency)
	setInt(&c.MaxFailures, DefaultMaxFailures)
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
	Delivered, Retried, Waited, Dead, LostLeases uint64
}

// Worker claims and delivers outbox jobs.
type Worker struct {
	cfg      Config
	store    bot.Outbox
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[bot.JobKind]bot.Handler
	lanes    map[string]*lane // by target, while Run runs
	any      *lane            // RunOnce's lane over every target

	delivered, retried, waited, dead, lost atomic.Uint64
}

// New builds a worker over the store's outbox.
func New(cfg Config, store bot.Outbox, log *slog.Logger) *Worker {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Worker{
		cfg: cfg, store: store, log: log.With("component", "outbox"),
		handlers: map[bot.JobKind]bot.Handler{},
	}
	w.any = w.newLane("", cfg.Concurrency)
	return w
}

// Handle registers the handler of a job kind, replacing any earlier one.
// Register every handler before Run: Run opens one lane per target that
// has a handler, and leaves the jobs of other targets waiting.
func (w *Worker) Handle(kind bot.JobKind, h bot.Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[kind] = h
}

// Poke wakes every lane: new jobs may be due. It never blocks.
func (w *Worker) Poke() {
	w.mu.RLock()
	defer w.mu.RUnlock()
	for _, l := range w.lanes {
		l.poke()
	}
	w.any.poke()
}

// Counters returns the running totals.
func (w *Worker) Counters() Counters {
	return Counters{Delivered: w.delivered.Load(), Retried: w.retried.Load(), Waited: w.waited.Load(),
		Dead: w.dead.Load(), LostLeases: w.lost.Load()}
}

// Owner is the name the worker leases jobs under.
func (w *Worker) Owner() string { return w.cfg.Owner }

// Targets lists the targets that have a handler: Run's lanes.
func (w *Worker) Targets() []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var out []string
	for k := range w.handlers {
		if t := k.Target(); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// Run delivers jobs on one lane per target until ctx ends, renewing the
// leases it holds every Heartbeat, then waits for the deliveries under way
// and returns the jobs it still holds to the queue so another process (or
// the next start) picks them up at once.
func (w *Worker) Run(ctx context.Context) error {
	targets := w.Targets()
	lanes := map[string]*lane{}
	for _, t := range targets {
		n := w.cfg.Concurrency
		if c, ok := w.cfg.Lanes[t]; ok && c > 0 {
			n = c
		}
		lanes[t] = w.newLane(t, n)
	}
	w.mu.Lock()
	w.lanes = lanes
	w.mu.Unlock()

	var wg sync.WaitGroup
	for _, l := range lanes {
		wg.Add(1)
		go func() { defer wg.Done(); l.run(ctx) }()
	}
	hbDone := make(chan struct{})
	go func() { defer close(hbDone); w.heartbeat(ctx) }()
	wg.Wait()
	<-hbDone
	w.mu.Lock()
	w.lanes = nil
	w.mu.Unlock()

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := w.store.Release(rctx, w.cfg.Owner, w.cfg.Now()); err != nil {
		return fmt.Errorf("release outbox leases: %w", err)
	}
	return nil
}

// heartbeat renews the leases of the jobs the worker holds until ctx ends.
func (w *Worker) heartbeat(ctx context.Context) {
	t := time.NewTicker(w.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := w.Renew(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("renew outbox leases", "err", err)
		}
	}
}

// Renew extends the leases of every job the worker holds to now+Lease and
// returns how many it holds; Run calls it every Heartbeat.
func (w *Worker) Renew(ctx context.Context) (int, error) {
	return w.store.Renew(ctx, w.cfg.Owner, w.cfg.Now().Add(w.cfg.Lease))
}

// RunOnce claims one batch of due jobs of every target and delivers them,
// returning how many it claimed. It is Run's work in one step, for tests
// and tools that drain the outbox.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	jobs, err := w.store.Claim(ctx, w.cfg.Owner, "", w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("claim: %w", err)
	}
	// Jobs of one claim never share an order key, so they may run at once.
	sem := make(chan struct{}, w.cfg.Concurrency)
	var wg sync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Add(1)
		go func(j bot.Job) {
			defer func() { <-sem; wg.Done() }()
			w.deliver(ctx, w.any, j)
		}(j)
	}
	wg.Wait()
	return len(jobs), nil
}

// errNoHandler is the outcome of a job whose kind has no handler.
var errNoHandler = errors.New("no handler for job kind")
