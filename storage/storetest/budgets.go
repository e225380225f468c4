package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func testBudgetPause(t *testing.T, s bot.Store) {
	ctx := context.Background()
	const b = "slack:chat.postMessage:C1"
	if d, err := s.BucketPause(ctx, b, t0); err != nil || d != 0 {
		t.Fatalf("unknown bucket paused for %s (%v)", d, err)
	}
	if err := s.PauseBucket(ctx, b, t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.BucketPause(ctx, b, t0.Add(10*time.Second)); d != 20*time.Second {
		t.Errorf("paused for %s, want 20s", d)
	}
	if err := s.PauseBucket(ctx, b, t0.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.BucketPause(ctx, b, t0); d != 30*time.Second {
		t.Errorf("a shorter pause cut the pause to %s, want 30s", d)
	}
	if d, _ := s.BucketPause(ctx, "slack:chat.postMessage:C2", t0); d != 0 {
		t.Errorf("another bucket paused for %s", d)
	}
	if d, _ := s.BucketPause(ctx, b, t0.Add(time.Minute)); d != 0 {
		t.Errorf("still paused for %s after the pause", d)
	}
	if d, _ := s.TakeSlot(ctx, b, t0.Add(time.Second), time.Second, 3); d != 29*time.Second {
		t.Errorf("a paused bucket gave a slot or waits %s, want 29s", d)
	}
}

func testBudgetPacing(t *testing.T, s bot.Store) {
	ctx := context.Background()
	take := func(at time.Duration) time.Duration {
		t.Helper()
		d, err := s.TakeSlot(ctx, "slack:C1", t0.Add(at), time.Second, 3)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for i := range 3 {
		if d := take(0); d != 0 {
			t.Fatalf("slot %d of a burst of 3 waits %s", i+1, d)
		}
	}
	if d := take(0); d != time.Second {
		t.Errorf("the 4th slot at once waits %s, want 1s", d)
	}
	if d := take(500 * time.Millisecond); d != 500*time.Millisecond {
		t.Errorf("half a second later it waits %s, want 500ms", d)
	}
	if d := take(time.Second); d != 0 {
		t.Errorf("a second later it waits %s", d)
	}
	if d := take(time.Second); d != time.Second {
		t.Errorf("a second slot in that second waits %s, want 1s", d)
	}
	if d, _ := s.TakeSlot(ctx, "slack:C2", t0, time.Second, 3); d != 0 {
		t.Errorf("another bucket waits %s", d)
	}
	// A quiet bucket earns its burst back, and no more.
	for i := range 3 {
		if d := take(time.Hour); d != 0 {
			t.Fatalf("slot %d after an hour waits %s", i+1, d)
		}
	}
	if d := take(time.Hour); d == 0 {
		t.Error("an hour of quiet earned more than the burst")
	}
}

// testBudgetSlotsShared: replicas taking slots at once share one budget.
func testBudgetSlotsShared(t *testing.T, s bot.Store) {
	var taken atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				d, err := s.TakeSlot(context.Background(), "pagerduty:key", t0, time.Second, 4)
				if err != nil {
					t.Error(err)
					return
				}
				if d == 0 {
					taken.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := taken.Load(); n != 4 {
		t.Errorf("40 takes at once got %d slots, want the burst of 4", n)
	}
}

func testBudgetHold(t *testing.T, s bot.Store) {
	ctx := context.Background()
	bo := bot.ProbeBackoff{First: 5 * time.Second, Max: 12 * time.Second}
	admit := func(at time.Duration) (time.Duration, bool) {
		t.Helper()
		d, probe, err := s.AdmitIntegration(ctx, "slack", t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return d, probe
	}
	if d, probe := admit(0); d != 0 || probe {
		t.Fatalf("an integration never held: wait %s, probe %v", d, probe)
	}
	first, err := s.HoldIntegration(ctx, "slack", "invalid_auth", t0, bo, false)
	if err != nil || !first {
		t.Fatalf("first hold = %v, %v; want true", first, err)
	}
	// Jobs in flight when the hold came back fail too: nothing changes.
	if first, _ := s.HoldIntegration(ctx, "slack", "token_revoked", t0.Add(time.Second), bo, false); first {
		t.Error("a second refusal reported as the first")
	}
	held, err := s.HeldIntegrations(ctx)
	if err != nil || len(held) != 1 || held[0].Integration != "slack" || held[0].Reason != "invalid_auth" ||
		!held[0].Since.Equal(t0) || !held[0].ProbeAt.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("held = %+v, %v", held, err)
	}
	if d, probe := admit(2 * time.Second); d != 3*time.Second || probe {
		t.Errorf("before the probe: wait %s, probe %v; want 3s, false", d, probe)
	}
	if d, probe := admit(5 * time.Second); d != 0 || !probe {
		t.Errorf("at the probe: wait %s, probe %v; want 0, true", d, probe)
	}
	if d, probe := admit(5 * time.Second); d != 5*time.Second || probe {
		t.Errorf("while another probes: wait %s, probe %v; want 5s, false", d, probe)
	}
	// The probe fails: the wait doubles, then stops at Max.
	if first, _ := s.HoldIntegration(ctx, "slack", "invalid_auth", t0.Add(6*time.Second), bo, true); first {
		t.Error("a failed probe reported as the first hold")
	}
	if d, _ := admit(6 * time.Second); d != 10*time.Second {
		t.Errorf("after a failed probe the next is in %s, want 10s", d)
	}
	if _, probe := admit(16 * time.Second); !probe {
		t.Fatal("no probe when due")
	}
	if _, err := s.HoldIntegration(ctx, "slack", "invalid_auth", t0.Add(16*time.Second), bo, true); err != nil {
		t.Fatal(err)
	}
	if d, _ := admit(16 * time.Second); d != 12*time.Second {
		t.Errorf("the probe wait grew to %s, want the cap of 12s", d)
	}
	if d, _, _ := s.AdmitIntegration(ctx, "jira", t0); d != 0 {
		t.Errorf("another integration waits %s", d)
	}
	if healed, err := s.HealIntegration(ctx, "slack"); err != nil || !healed {
		t.Fatalf("heal = %v, %v", healed, err)
	}
	if healed, _ := s.HealIntegration(ctx, "slack"); healed {
		t.Error("healing twice reported twice")
	}
	if d, probe := admit(17 * time.Second); d != 0 || probe {
		t.Errorf("after healing: wait %s, probe %v", d, probe)
	}
	if held, _ := s.HeldIntegrations(ctx); len(held) != 0 {
		t.Errorf("held after healing: %+v", held)
	}
	// A new hold starts the backoff again.
	if first, _ := s.HoldIntegration(ctx, "slack", "invalid_auth", t0.Add(time.Minute), bo, false); !first {
		t.Error("a hold after healing is not the first")
	}
	if d, _ := admit(time.Minute); d != 5*time.Second {
		t.Errorf("a new hold probes in %s, want 5s", d)
	}
}

// testBudgetOneProbe: of the replicas that find a probe due at once, one
// probes and the others wait.
func testBudgetOneProbe(t *testing.T, s bot.Store) {
	ctx := context.Background()
	if _, err := s.HoldIntegration(ctx, "jira", "401", t0, bot.DefaultProbeBackoff, false); err != nil {
		t.Fatal(err)
	}
	var probes atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d, probe, err := s.AdmitIntegration(ctx, "jira", t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if probe {
				probes.Add(1)
			} else if d <= 0 {
				t.Errorf("a caller neither probes nor waits")
			}
		})
	}
	wg.Wait()
	if n := probes.Load(); n != 1 {
		t.Errorf("%d probes at once, want 1", n)
	}
}

// testBudgetPrune: quiet buckets are forgotten; a held integration, a
// pause or a slot still ahead are not.
func testBudgetPrune(t *testing.T, s bot.Store) {
	ctx := context.Background()
	if _, err := s.TakeSlot(ctx, "slack:chan:C1", t0, time.Second, 1); err != nil { // quiet after t0+1s
		t.Fatal(err)
	}
	if _, err := s.TakeSlot(ctx, "slack:chan:C2", t0.Add(time.Hour), time.Second, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.PauseBucket(ctx, "jira:instance", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HoldIntegration(ctx, "slack", "invalid_auth", t0, bot.DefaultProbeBackoff, false); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneBudgets(ctx, t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want the one quiet channel", n, err)
	}
	if d, _ := s.TakeSlot(ctx, "slack:chan:C2", t0.Add(time.Hour), time.Second, 1); d == 0 {
		t.Error("a slot still ahead was forgotten")
	}
	if d, _ := s.BucketPause(ctx, "jira:instance", t0); d != time.Hour {
		t.Errorf("a pause was forgotten: %s left", d)
	}
	if held, _ := s.HeldIntegrations(ctx); len(held) != 1 {
		t.Errorf("a hold was forgotten: %+v", held)
	}
}

// testBudgetCheckCall: one read says whether the integration is held (and
// when it is probed) and how long the call's bucket stays paused.
func testBudgetCheckCall(t *testing.T, s bot.Store) {
	ctx := context.Background()
	const b = "slack:chat.postMessage:C1"
	if c, err := s.CheckCall(ctx, "slack", b, t0); err != nil || c != (bot.CallCheck{}) {
		t.Fatalf("nothing recorded: %+v, %v; want nothing held back", c, err)
	}
	if err := s.PauseBucket(ctx, b, t0.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.CheckCall(ctx, "slack", b, t0.Add(10*time.Second)); c != (bot.CallCheck{Paused: 20 * time.Second}) {
		t.Errorf("paused bucket: %+v, want paused 20s", c)
	}
	if c, _ := s.CheckCall(ctx, "slack", "slack:chat.postMessage:C2", t0); c != (bot.CallCheck{}) {
		t.Errorf("another bucket: %+v, want nothing", c)
	}
	backoff := bot.ProbeBackoff{First: 5 * time.Second, Max: time.Minute}
	if _, err := s.HoldIntegration(ctx, "slack", "invalid_auth", t0, backoff, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.CheckCall(ctx, "slack", b, t0.Add(2*time.Second)); c != (bot.CallCheck{Held: true, ProbeIn: 3 * time.Second, Paused: 28 * time.Second}) {
		t.Errorf("held and paused: %+v", c)
	}
	if c, _ := s.CheckCall(ctx, "slack", b, t0.Add(time.Minute)); c != (bot.CallCheck{Held: true}) {
		t.Errorf("held, probe due, pause over: %+v", c)
	}
	if c, _ := s.CheckCall(ctx, "jira", b, t0.Add(time.Minute)); c != (bot.CallCheck{}) {
		t.Errorf("another integration: %+v, want not held", c)
	}
}
