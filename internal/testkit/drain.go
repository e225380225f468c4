package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// Worker is the outbox worker a test runs by hand (engine/outbox's).
type Worker interface {
	// RunOnce claims one batch of due jobs, delivers them and returns how
	// many it claimed.
	RunOnce(ctx context.Context) (int, error)
}

// Drain runs w until no job is due; it returns the number of deliveries,
// and fails the test if the outbox does not settle.
func Drain(t testing.TB, ctx context.Context, w Worker) int {
	t.Helper()
	total := 0
	for range 100 {
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatalf("run outbox: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	t.Fatal("outbox never drained")
	return total
}

// ClaimAll claims every job due at now straight from the store, batch by
// batch (oldest first per order key), completes each, and returns them in
// claim order: the outbox as the worker would see it, with no handler.
func ClaimAll(t testing.TB, ctx context.Context, o bot.Outbox, now time.Time) []bot.Job {
	t.Helper()
	var out []bot.Job
	for {
		jobs, err := o.Claim(ctx, "test", "", now, time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return out
		}
		for _, j := range jobs {
			if err := o.Complete(ctx, j.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, jobs...)
	}
}
