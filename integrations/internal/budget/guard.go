package budget

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/warroom/warroom/bot"
)

// MaxHeldWait caps how long a job of a held integration waits before it
// looks again: the probe may succeed on another replica, and delivery must
// resume within half a minute of the credentials working again.
const MaxHeldWait = 15 * time.Second

// Guard keeps one integration within its budgets. Buckets it is given are
// named within the integration ("chat.postMessage:C0123" of "slack" is the
// shared bucket "slack:chat.postMessage:C0123"); the integration's hold is
// kept under its own name.
type Guard struct {
	name    string
	b       bot.Budgets
	now     func() time.Time
	log     *slog.Logger
	backoff bot.ProbeBackoff
	advice  string // the first refusal's log line
	// spread scatters the waits of jobs held back together, so that they
	// wake one at a time rather than all at once.
	spread func(time.Duration) time.Duration
}

// NewGuard builds the guard of the integration named name over b (nil: a
// Memory of its own). now may be nil (time.Now); log names the integration.
func NewGuard(name string, b bot.Budgets, now func() time.Time, log *slog.Logger) *Guard {
	if b == nil {
		b = NewMemory()
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Guard{
		name: name, b: b, now: now, log: log, backoff: bot.DefaultProbeBackoff,
		advice: name + " refused warroom's credentials: its delivery is held and probed with backoff until they work again",
		spread: func(d time.Duration) time.Duration { return rand.N(d + 1) },
	}
}

// Name is the integration's name.
func (g *Guard) Name() string { return g.name }

// SetBackoff changes how the held integration is probed (tests).
func (g *Guard) SetBackoff(b bot.ProbeBackoff) { g.backoff = b }

// SetAdvice replaces the error logged at the first refusal: say what
// was refused and what to fix.
func (g *Guard) SetAdvice(msg string) { g.advice = msg }

// Budgets are the budgets the guard keeps.
func (g *Guard) Budgets() bot.Budgets { return g.b }

// heldError is the error of a job held with its integration.
type heldError struct{ name string }

func (e *heldError) Error() string {
	return e.name + " is held: its credentials were refused; waiting for a probe to succeed"
}

// Admit says whether a call may go now. It returns a bot.Wait error while
// the integration is held; probe is true when this call is the one that
// probes a held integration (report its outcome with Refused or Accepted).
func (g *Guard) Admit(ctx context.Context) (probe bool, err error) {
	d, probe, err := g.b.AdmitIntegration(ctx, g.name, g.now())
	if err != nil {
		return false, err
	}
	if d > 0 {
		d = min(d, MaxHeldWait)
		return false, bot.Wait(&heldError{name: g.name}, d+g.spread(min(d/4, time.Second)))
	}
	return probe, nil
}

// Check is Admit and Paused in one read of the budgets: it returns a
// bot.Wait error while the integration is held (probe as Admit's), and how
// long bucket stays paused (spread as Paused's; 0 when it is not).
func (g *Guard) Check(ctx context.Context, bucket string) (probe bool, paused time.Duration, err error) {
	c, err := g.b.CheckCall(ctx, g.name, g.bucket(bucket), g.now())
	if err != nil {
		return false, 0, err
	}
	if c.Held {
		if c.ProbeIn > 0 {
			d := min(c.ProbeIn, MaxHeldWait)
			return false, 0, bot.Wait(&heldError{name: g.name}, d+g.spread(min(d/4, time.Second)))
		}
		if probe, err = g.Admit(ctx); err != nil { // claim the probe, or wait for another's
			return false, 0, err
		}
	}
	if d := c.Paused; d > 0 {
		return probe, d + g.spread(min(d/4, time.Second)), nil
	}
	return probe, 0, nil
}

// Refused holds the integration after a refusal of its credentials (cause,
// reason as the service put it) and returns the wait of the job that made
// the call. The first refusal is logged once as an error; a failed probe
// backs the next one off.
func (g *Guard) Refused(ctx context.Context, reason string, probe bool, cause error) error {
	now := g.now()
	first, err := g.b.HoldIntegration(ctx, g.name, reason, now, g.backoff, probe)
	if err != nil {
		return fmt.Errorf("%w (and holding %s: %v)", cause, g.name, err)
	}
	if first {
		g.log.Error(g.advice, "reason", reason, "err", cause, "first_probe_in", g.backoff.First)
	}
	d := min(g.backoff.First, MaxHeldWait)
	return bot.Wait(fmt.Errorf("%s held: %w", g.name, cause), d+g.spread(min(d/4, time.Second)))
}

// Accepted reports a call whose credentials were accepted: a probe that
// gets through heals the integration, and delivery resumes.
func (g *Guard) Accepted(ctx context.Context, probe bool) {
	if !probe {
		return
	}
	healed, err := g.b.HealIntegration(ctx, g.name)
	if err != nil {
		g.log.Warn("lift "+g.name+"'s hold", "err", err)
		return
	}
	if healed {
		g.log.Info(g.name + " accepted warroom's credentials again: delivery resumed")
	}
}

// Held lists the integrations held now, whichever replica held them.
func (g *Guard) Held(ctx context.Context) ([]bot.IntegrationHold, error) {
	return g.b.HeldIntegrations(ctx)
}

func (g *Guard) bucket(b string) string { return g.name + ":" + b }

// Paused returns how long bucket stays paused, spread (by up to a quarter,
// at most a second) so that the jobs waiting on it wake one at a time; 0
// when it is not paused.
func (g *Guard) Paused(ctx context.Context, bucket string) (time.Duration, error) {
	d, err := g.b.BucketPause(ctx, g.bucket(bucket), g.now())
	if err != nil || d <= 0 {
		return 0, err
	}
	return d + g.spread(min(d/4, time.Second)), nil
}

// Pause pauses bucket for d, as a 429's Retry-After asks, on every replica.
func (g *Guard) Pause(ctx context.Context, bucket string, d time.Duration) error {
	return g.b.PauseBucket(ctx, g.bucket(bucket), g.now().Add(d))
}

// Take takes a pacing slot of bucket (one per every, bursts of burst):
// 0 when the call may go, or how long to wait (spread over one interval,
// so that waiting jobs come back one at a time).
func (g *Guard) Take(ctx context.Context, bucket string, every time.Duration, burst int) (time.Duration, error) {
	if every <= 0 {
		return g.Paused(ctx, bucket)
	}
	d, err := g.b.TakeSlot(ctx, g.bucket(bucket), g.now(), every, burst)
	if err != nil || d <= 0 {
		return 0, err
	}
	return d + g.spread(every), nil
}
