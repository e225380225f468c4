// Package schedule is the engine's one loop for periodic work: escalation
// checks, SLA and action-item reminders, maintenance announcements and
// digests. Each tick runs every task with the same "now"; exactly-once
// comes from the database (claimed timer rows, announcement marks, digest
// slots), never from the loop, so every replica may run it. Tasks that are
// not row-claimed can ask for leadership (Config.Lead, e.g. PostgreSQL's
// TryLead) and then run on one replica only. The tasks of the domain
// (Escalation, Reminders, Maintenance) are here; cmd/warroom adds them.
//
// It imports bot and the standard library; no integration imports it.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// DefaultInterval is how often Run ticks when Config.Interval is zero.
const DefaultInterval = bot.DefaultCheckInterval

// Task is one piece of periodic work.
type Task func(ctx context.Context, now time.Time) error

// Config configures a Scheduler.
type Config struct {
	Interval time.Duration    // 0: DefaultInterval
	Now      func() time.Time // nil: time.Now
	// Lead, when set, says whether this replica leads the work called
	// name; release gives leadership up. Nil means every replica leads.
	Lead func(ctx context.Context, name string) (release func(), ok bool, err error)
}

type task struct {
	name   string
	fn     Task
	leader bool // needs leadership
}

// Scheduler runs tasks periodically. Add tasks before Run.
type Scheduler struct {
	cfg   Config
	log   *slog.Logger
	mu    sync.Mutex
	tasks []task
}

// New builds a Scheduler.
func New(cfg Config, log *slog.Logger) *Scheduler {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg, log: log.With("component", "scheduler")}
}

// Add registers a task that every replica runs (its work is row-claimed).
func (s *Scheduler) Add(name string, fn Task) { s.add(task{name: name, fn: fn}) }

// AddLeader registers a task that only the leading replica runs.
func (s *Scheduler) AddLeader(name string, fn Task) { s.add(task{name: name, fn: fn, leader: true}) }

func (s *Scheduler) add(t task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks = append(s.tasks, t)
}

// Tick runs every task once at now and returns their errors joined. A
// failing task does not stop the others.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) error {
	s.mu.Lock()
	tasks := append([]task(nil), s.tasks...)
	s.mu.Unlock()
	var errs []error
	for _, t := range tasks {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.run(ctx, t, now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.name, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) run(ctx context.Context, t task, now time.Time) error {
	if t.leader && s.cfg.Lead != nil {
		release, ok, err := s.cfg.Lead(ctx, "schedule:"+t.name)
		if err != nil {
			return fmt.Errorf("take leadership: %w", err)
		}
		if !ok {
			return nil
		}
		defer release()
	}
	return t.fn(ctx, now)
}

// Run ticks every Interval until ctx ends, logging failures. It returns nil
// when ctx ends.
func (s *Scheduler) Run(ctx context.Context) error {
	tk := time.NewTicker(s.cfg.Interval)
	defer tk.Stop()
	for {
		if err := s.Tick(ctx, s.cfg.Now()); err != nil && ctx.Err() == nil {
			s.log.Error("scheduled work failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
		}
	}
}
