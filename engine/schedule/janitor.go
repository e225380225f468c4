package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/warroom/warroom/bot"
)

// Retention is how long the janitor keeps what is needed only for a
// while. A zero keeps that kind forever.
type Retention struct {
	Seen     time.Duration // inbound delivery ids (redelivery checks); 30 days
	DeadJobs time.Duration // dead-lettered jobs, from when they died; 30 days
	Timers   time.Duration // fired or canceled timers; 7 days
	Every    time.Duration // how often it purges; 1h
}

// Retention defaults.
const (
	DefaultRetainSeen     = 30 * 24 * time.Hour
	DefaultRetainDeadJobs = 30 * 24 * time.Hour
	DefaultRetainTimers   = 7 * 24 * time.Hour
	DefaultJanitorEvery   = time.Hour
)

// JanitorStore is what the janitor cleans.
type JanitorStore interface {
	bot.Housekeeping
	PruneBudgets(ctx context.Context, before time.Time) (int, error)
}

// quietBudgets is how long a rate-limit bucket or integration hold that
// holds nothing any more is kept before the janitor forgets it.
const quietBudgets = 24 * time.Hour

// Janitor returns the task that purges the seen keys, dead jobs and spent
// timers older than r allows, and the budget rows quiet for a day, at most
// once every r.Every (the first tick purges). Done jobs are deleted when
// they finish, so none are kept.
func Janitor(store JanitorStore, r Retention, log *slog.Logger) Task {
	if r.Every <= 0 {
		r.Every = DefaultJanitorEvery
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var (
		mu   sync.Mutex
		last time.Time
	)
	cutoff := func(now time.Time, keep time.Duration) time.Time {
		if keep <= 0 {
			return time.Time{}
		}
		return now.Add(-keep)
	}
	return func(ctx context.Context, now time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		if !last.IsZero() && now.Sub(last) < r.Every {
			return nil
		}
		got, err := store.Purge(ctx, bot.PurgeBefore{
			Seen: cutoff(now, r.Seen), Dead: cutoff(now, r.DeadJobs), Timers: cutoff(now, r.Timers),
		})
		if err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		buckets, err := store.PruneBudgets(ctx, now.Add(-quietBudgets))
		if err != nil {
			return fmt.Errorf("prune budgets: %w", err)
		}
		last = now
		if got != (bot.Purged{}) || buckets > 0 {
			log.Info("janitor purged", "seen", got.Seen, "dead_jobs", got.Dead, "timers", got.Timers, "budgets", buckets)
		}
		return nil
	}
}
