package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestDeclareLeavesTimersToTheScheduler(t *testing.T) {
	f := newFixture(t)
	inc := f.declare(t, "nobody answers")
	if ts := mustTimers(t, f, inc.Number); len(ts) != 0 {
		t.Fatalf("declare wrote %d timer rows, want none: %+v", len(ts), ts)
	}
	for range 2 { // idempotent
		if err := f.svc.ArmTimers(f.ctx, inc.Number); err != nil {
			t.Fatal(err)
		}
	}
	ack := f.svc.SLA(bot.SEV2).Acknowledge
	due := map[string]time.Time{}
	for _, tm := range mustTimers(t, f, inc.Number) {
		due[fmt.Sprintf("%s/%d", tm.Kind, tm.Level)] = tm.DueAt
	}
	if !due["escalate/1"].Equal(inc.DeclaredAt.Add(ack)) || !due["sla_ack/1"].Equal(inc.DeclaredAt.Add(ack)) ||
		due["sla_resolve/1"].IsZero() || len(due) != 7 {
		t.Errorf("armed timers = %v; want 3 escalation levels from the declaration, and ack and resolve reminder + breach", due)
	}
	if _, err := f.svc.Ack(f.ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	for _, tm := range mustTimers(t, f, inc.Number) {
		pending := tm.FiredAt == nil && tm.CanceledAt == nil
		if pending && (tm.Kind == bot.TimerEscalate || tm.Kind == bot.TimerSLAAck) {
			t.Errorf("%s level %d still pending after the acknowledgement", tm.Kind, tm.Level)
		}
	}

	acked := f.declare(t, "answered at once")
	if _, err := f.svc.Ack(f.ctx, bot.Cause{}, acked.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ArmTimers(f.ctx, acked.Number); err != nil {
		t.Fatal(err)
	}
	for _, tm := range mustTimers(t, f, acked.Number) {
		if tm.Kind == bot.TimerEscalate || tm.Kind == bot.TimerSLAAck {
			t.Errorf("an incident acknowledged before the scheduler armed it got %s timers", tm.Kind)
		}
	}
}

func mustTimers(t *testing.T, f *fixture, n int64) []bot.Timer {
	t.Helper()
	ts, err := f.store.Timers(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}
