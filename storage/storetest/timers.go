package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

var escalations = bot.TimerKinds{Kinds: []string{bot.TimerEscalate}}

func testTimers(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "timers", bot.StatusTriggered)
	set := func(level int, due time.Time) int64 {
		t.Helper()
		tm := &bot.Timer{Incident: inc.Number, Kind: bot.TimerEscalate, Level: level, DueAt: due, CreatedAt: t0}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SetTimer(ctx, tm) })
		return tm.ID
	}
	id1 := set(1, at(5*time.Minute))
	id2 := set(2, at(10*time.Minute))
	if id1 == 0 || id2 == 0 || id1 == id2 {
		t.Fatalf("timer ids %d, %d: want two distinct ids", id1, id2)
	}
	if again := set(1, at(6*time.Minute)); again != id1 {
		t.Errorf("moving timer 1 returned id %d, want %d", again, id1)
	}
	due, err := s.DueTimers(ctx, escalations, at(7*time.Minute), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].ID != id1 || !due[0].DueAt.Equal(at(6*time.Minute)) || due[0].Level != 1 {
		t.Fatalf("DueTimers at +7m = %+v, want timer 1 due at +6m", due)
	}

	// Not due yet: not claimable.
	err = s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.ClaimTimer(ctx, id2, at(7*time.Minute)); return err })
	wantNotFound(t, "claim of a timer not yet due", err)

	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		tm, err := tx.ClaimTimer(ctx, id1, at(7*time.Minute))
		if err != nil {
			return err
		}
		if tm.ID != id1 || tm.Incident != inc.Number || tm.Kind != bot.TimerEscalate {
			t.Errorf("claimed %+v", tm)
		}
		return tx.FireTimer(ctx, id1, at(7*time.Minute))
	})
	err = s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.ClaimTimer(ctx, id1, at(8*time.Minute)); return err })
	wantNotFound(t, "claim of a fired timer", err)

	// A fired timer is never moved or re-armed.
	if again := set(1, at(20*time.Minute)); again != 0 {
		t.Errorf("SetTimer of a fired timer set id %d, want 0", again)
	}
	if due, _ := s.DueTimers(ctx, escalations, at(time.Hour), 10); len(due) != 1 || due[0].ID != id2 {
		t.Errorf("DueTimers after firing = %+v, want timer 2 only", due)
	}

	var canceled int
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		var err error
		canceled, err = tx.CancelTimers(ctx, inc.Number, []string{bot.TimerEscalate}, at(8*time.Minute))
		return err
	})
	if canceled != 1 {
		t.Errorf("CancelTimers canceled %d, want 1", canceled)
	}
	if due, _ := s.DueTimers(ctx, escalations, at(time.Hour), 10); len(due) != 0 {
		t.Errorf("DueTimers after cancel = %+v, want none", due)
	}
	err = s.InTx(ctx, func(tx bot.Tx) error { _, err := tx.ClaimTimer(ctx, id2, at(time.Hour)); return err })
	wantNotFound(t, "claim of a canceled timer", err)

	all, err := s.Timers(ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.Timer{
		{ID: id1, Incident: inc.Number, Kind: bot.TimerEscalate, Level: 1, DueAt: at(6 * time.Minute), FiredAt: ptr(at(7 * time.Minute)), CreatedAt: t0},
		{ID: id2, Incident: inc.Number, Kind: bot.TimerEscalate, Level: 2, DueAt: at(10 * time.Minute), CanceledAt: ptr(at(8 * time.Minute)), CreatedAt: t0},
	}
	diff(t, "Timers", want, all)

	// A rolled-back transaction leaves no timer behind.
	boom := errors.New("boom")
	err = s.InTx(ctx, func(tx bot.Tx) error {
		if err := tx.SetTimer(ctx, &bot.Timer{Incident: inc.Number, Kind: "other", Level: 1, DueAt: t0, CreatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	if all, _ := s.Timers(ctx, inc.Number); len(all) != 2 {
		t.Errorf("after rollback %d timers, want 2", len(all))
	}
}

// testEscalationOnce: replicas escalating at once fire each level once,
// and an acknowledgement cancels what is left.
func testEscalationOnce(t *testing.T, s bot.Store) {
	ctx := context.Background()
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(d); return now }
	svc := newService(t, s, clock)
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "nobody answers", Severity: bot.SEV1, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ArmTimers(ctx, inc.Number); err != nil { // the scheduler's first tick
		t.Fatal(err)
	}
	ack := svc.SLA(bot.SEV1).Acknowledge
	escalateAll := func(at time.Time) int {
		var wg sync.WaitGroup
		var total int
		var tmu sync.Mutex
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := svc.Escalate(ctx, at, 10)
				if err != nil {
					t.Errorf("Escalate: %v", err)
				}
				tmu.Lock()
				total += n
				tmu.Unlock()
			}()
		}
		wg.Wait()
		return total
	}
	if n := escalateAll(advance(ack - time.Second)); n != 0 {
		t.Errorf("before the target: %d escalations, want 0", n)
	}
	if n := escalateAll(advance(time.Second)); n != 1 {
		t.Errorf("at the target: %d escalations, want 1", n)
	}
	if n := escalateAll(advance(time.Second)); n != 0 {
		t.Errorf("again at the target: %d escalations, want 0", n)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if n := escalateAll(advance(10 * ack)); n != 0 {
		t.Errorf("after the ack: %d escalations, want 0", n)
	}
	entries, err := s.Timeline(ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	escalated := 0
	for _, e := range entries {
		if e.Kind == bot.EntryEscalated {
			escalated++
		}
	}
	if escalated != 1 {
		t.Errorf("%d escalated entries, want 1", escalated)
	}
}

// testCancelTimerKinds: CancelTimers cancels the pending timers of every
// kind given, however many, and no other kind's, nor another incident's.
func testCancelTimerKinds(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "cancel kinds", bot.StatusTriggered)
	other := newIncident(t, s, "other", bot.StatusTriggered)
	kinds := []string{"k1", "k2", "k3", "k4", "k5", "k6", "k7"}
	for _, number := range []int64{inc.Number, other.Number} {
		for _, kind := range append(kinds, "kept") {
			for level := range 2 {
				tm := &bot.Timer{Incident: number, Kind: kind, Level: level, DueAt: at(time.Hour), CreatedAt: t0}
				inTx(t, s, func(ctx context.Context, tx bot.Tx) error { return tx.SetTimer(ctx, tm) })
			}
		}
	}
	for _, tc := range []struct {
		kinds []string
		want  int
	}{
		{[]string{"k1"}, 2},
		{[]string{"k2", "k3"}, 4},
		{[]string{"k1", "k4", "k5", "k6", "k7"}, 8}, // k1 canceled already
	} {
		var n int
		inTx(t, s, func(ctx context.Context, tx bot.Tx) (err error) {
			n, err = tx.CancelTimers(ctx, inc.Number, tc.kinds, at(time.Minute))
			return err
		})
		if n != tc.want {
			t.Errorf("CancelTimers(%v) canceled %d, want %d", tc.kinds, n, tc.want)
		}
	}
	for _, number := range []int64{inc.Number, other.Number} {
		all, err := s.Timers(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range all {
			wantCanceled := number == inc.Number && tm.Kind != "kept"
			if (tm.CanceledAt != nil) != wantCanceled {
				t.Errorf("timer %s %d of %d: canceled at %v, want canceled %v", tm.Kind, tm.Level, number, tm.CanceledAt, wantCanceled)
			}
		}
	}
}
