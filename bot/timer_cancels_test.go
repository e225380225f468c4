package bot_test

import (
	"testing"

	"github.com/warroom/warroom/bot"
)

// A resolve cancels the resolve target's timers, gathered with the
// change's other cancels into one statement: none stays pending.
func TestResolveCancelsItsTimersTogether(t *testing.T) {
	f := newFixture(t)
	inc := f.declare(t, "disk full")
	if err := f.svc.ArmTimers(f.ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Ack(f.ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PostUpdate(f.ctx, inc.Number, "bob", "rolling back", ""); err != nil {
		t.Fatal(err)
	}
	pendingKinds := func() map[string]int {
		out := map[string]int{}
		for _, tm := range mustTimers(t, f, inc.Number) {
			if tm.FiredAt == nil && tm.CanceledAt == nil {
				out[tm.Kind]++
			}
		}
		return out
	}
	if p := pendingKinds(); p[bot.TimerSLAResolve] == 0 {
		t.Fatalf("pending before the resolve: %v; want the resolve target's timers", p)
	}
	if _, err := f.svc.Resolve(f.ctx, bot.Cause{}, inc.Number, "bob", "rolled back"); err != nil {
		t.Fatal(err)
	}
	p := pendingKinds()
	for _, kind := range []string{bot.TimerEscalate, bot.TimerSLAAck, bot.TimerSLAResolve, bot.TimerSLAUpdate} {
		if p[kind] != 0 {
			t.Errorf("%d %s timers pending after the resolve", p[kind], kind)
		}
	}
}
