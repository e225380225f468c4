package digests

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
)

// Store is what the Runner writes through and reads.
type Store interface {
	InTx(ctx context.Context, fn func(tx bot.Tx) error) error
	LastSlot(ctx context.Context, schedule string) (time.Time, bool, error)
}

// RunnerConfig configures a Runner.
type RunnerConfig struct {
	Schedules []digest.Schedule
	Targets   []string // chat targets that receive "<target>.digest" jobs
	Owner     string   // this process, recorded on claimed slots
	// Start is when this process started: a schedule that never ran
	// posts its first slot after Start.
	Start time.Time
	Now   func() time.Time // for digests posted on request; nil: time.Now
	// AfterPost runs after jobs were written (e.g. to wake the outbox worker).
	AfterPost func()
}

// CheckSchedules reports the first schedule that is not valid: each needs
// a unique name, a channel and a schedule.
func CheckSchedules(scheds []digest.Schedule) error {
	seen := map[string]bool{}
	for _, s := range scheds {
		if s.Name == "" || seen[s.Name] {
			return fmt.Errorf("digest schedule %q: names must be set and unique", s.Name)
		}
		seen[s.Name] = true
		if s.Next == nil || s.Channel == "" {
			return fmt.Errorf("digest schedule %q needs a channel and a schedule", s.Name)
		}
	}
	return nil
}

// SetSchedules checks scheds and, when they are valid, puts them in place
// of the running ones (a configuration reload); the next Tick follows
// them. A schedule keeps its last claimed slot across the change.
func (r *Runner) SetSchedules(scheds []digest.Schedule) error {
	if err := CheckSchedules(scheds); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg.Schedules = append([]digest.Schedule(nil), scheds...)
	return nil
}

func (r *Runner) schedules() []digest.Schedule {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.Schedules
}

// SetTargets replaces the chat targets that receive digest jobs (for
// wiring that learns them after the Runner was built).
func (r *Runner) SetTargets(targets []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg.Targets = append([]string(nil), targets...)
}

func (r *Runner) targets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cfg.Targets
}

// maxSteps bounds the walk from the last claimed slot to now.
const maxSteps = 1 << 20

// Runner posts scheduled digests exactly once per slot.
type Runner struct {
	cfg     RunnerConfig
	store   Store
	builder *digest.Builder
	log     *slog.Logger
	mu      sync.Mutex
	last    map[string]time.Time // per schedule: newest slot known to be claimed
}

// NewRunner checks the schedules and returns a Runner.
func NewRunner(cfg RunnerConfig, store Store, b *digest.Builder, log *slog.Logger) (*Runner, error) {
	if err := CheckSchedules(cfg.Schedules); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Start.IsZero() {
		cfg.Start = cfg.Now()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{cfg: cfg, store: store, builder: b, log: log.With("component", "digest"), last: map[string]time.Time{}}, nil
}

// Tick posts the latest due slot of every schedule that has not been
// posted; it is an engine/schedule Task.
func (r *Runner) Tick(ctx context.Context, now time.Time) error {
	var errs []error
	for _, s := range r.schedules() {
		if err := r.tick(ctx, s, now); err != nil {
			errs = append(errs, fmt.Errorf("digest %s: %w", s.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (r *Runner) tick(ctx context.Context, s digest.Schedule, now time.Time) error {
	r.mu.Lock()
	base, known := r.last[s.Name]
	r.mu.Unlock()
	if !known {
		last, ok, err := r.store.LastSlot(ctx, s.Name)
		if err != nil {
			return err
		}
		base = r.cfg.Start
		if ok {
			base = last
		}
	}
	slot := latestSlot(s.Next, base, now)
	if slot.IsZero() {
		r.remember(s.Name, base)
		return nil
	}
	o := s.Options
	o.End = slot
	d, err := r.builder.Build(ctx, o)
	if err != nil {
		return err
	}
	first, err := r.post(ctx, s, slot, digest.Message(d))
	if err != nil {
		return err
	}
	r.remember(s.Name, slot)
	if first {
		r.log.Info("digest posted", "schedule", s.Name, "channel", s.Channel, "slot", slot)
	}
	return nil
}

func (r *Runner) remember(name string, slot time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if slot.After(r.last[name]) {
		r.last[name] = slot
	}
}

// latestSlot is the newest slot after base and at or before now; zero for
// none.
func latestSlot(next func(time.Time) time.Time, base, now time.Time) time.Time {
	var latest time.Time
	t := next(base)
	for i := 0; i < maxSteps && !t.IsZero() && !t.After(now); i++ {
		latest = t
		t = next(t)
	}
	return latest
}

// post claims the slot (when the schedule has a name) and writes one
// digest job per target the schedule posts on, in one transaction. first
// is false when the slot was claimed before: nothing is written then.
func (r *Runner) post(ctx context.Context, s digest.Schedule, slot time.Time, m bot.Message) (first bool, err error) {
	payload := bot.DigestPayload{Channel: s.Channel, Schedule: s.Name, Message: m}
	now := r.cfg.Now().UTC().Truncate(time.Microsecond)
	var targets []string
	for _, t := range r.targets() {
		if s.PostsOn(t) {
			targets = append(targets, t)
		}
	}
	err = r.store.InTx(ctx, func(tx bot.Tx) error {
		if s.Name != "" {
			if first, err = tx.ClaimSlot(ctx, s.Name, slot, r.cfg.Owner, now); err != nil || !first {
				return err
			}
		}
		first = true
		for _, t := range targets {
			j, err := bot.NewJob(t, bot.EffectDigest, 0, payload, now)
			if err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, j); err != nil {
				return fmt.Errorf("enqueue %s: %w", j.Kind, err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if first && r.cfg.AfterPost != nil && len(targets) > 0 {
		r.cfg.AfterPost()
	}
	return first, nil
}

// Build builds a digest of the period ending now, with o's other options
// (the CLI's `warroom digest`).
func (r *Runner) Build(ctx context.Context, o digest.Options) (*digest.Digest, error) {
	if o.End.IsZero() {
		o.End = r.cfg.Now().UTC().Truncate(time.Microsecond)
	}
	return r.builder.Build(ctx, o)
}

// Channels lists the schedules' channels, each once.
func (r *Runner) Channels() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range r.schedules() {
		if !seen[s.Channel] {
			seen[s.Channel] = true
			out = append(out, s.Channel)
		}
	}
	return out
}
