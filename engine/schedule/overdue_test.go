package schedule_test

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/schedule"
	"github.com/warroom/warroom/internal/testkit"
)

// weekly is Monday 09:00 UTC, as a cron schedule's Next.
func weekly(t time.Time) time.Time {
	t = t.UTC()
	n := time.Date(t.Year(), t.Month(), t.Day(), 9, 0, 0, 0, time.UTC)
	for n.Weekday() != time.Monday || !n.After(t) {
		n = n.AddDate(0, 0, 1)
	}
	return n
}

// TestOverdueSummariesTask: the task sends the summaries of a slot once it
// has come, once however often it ticks, and skips a slot missed by more
// than a day.
func TestOverdueSummariesTask(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC) // a Monday
	env := testkit.NewService(t, testkit.WithClock(testkit.NewClock(start)), testkit.WithTargets("slack"))
	inc, err := env.Svc.Declare(ctx, bot.DeclareInput{Title: "Checkout slow", Severity: bot.SEV3, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	due := start.Add(-48 * time.Hour)
	if _, err := env.Svc.AddAction(ctx, inc.Number, "U0ALICE", bot.ActionInput{Title: "Add a retry budget", Owner: "U0BOB", Due: &due}); err != nil {
		t.Fatal(err)
	}
	testkit.ClaimAll(t, ctx, env.Store, start)
	directs := func(at time.Time) int {
		n := 0
		for _, j := range testkit.ClaimAll(t, ctx, env.Store, at) {
			if j.Kind.Effect() == bot.EffectDirect {
				n++
			}
		}
		return n
	}
	task := schedule.OverdueSummaries(env.Svc, weekly, "test")
	for _, step := range []struct {
		at   time.Time
		want int
	}{
		{start.Add(30 * time.Minute), 0},              // before the slot
		{start.Add(time.Hour + time.Second), 1},       // the slot came
		{start.Add(2 * time.Hour), 0},                 // the next tick: nothing more
		{start.Add(7*24*time.Hour + 26*time.Hour), 0}, // the next slot, missed by a day: skipped
		{start.Add(14*24*time.Hour + time.Minute), 0}, // before the third slot
		{start.Add(14*24*time.Hour + time.Hour), 1},   // the third slot
	} {
		env.Clock.Set(step.at)
		if err := task(ctx, step.at); err != nil {
			t.Fatal(err)
		}
		if got := directs(step.at); got != step.want {
			t.Errorf("at %s: %d direct messages, want %d", step.at.Format(time.RFC3339), got, step.want)
		}
	}
}
