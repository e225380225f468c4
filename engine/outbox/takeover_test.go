package outbox_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/internal/testkit"
)

// A replica that dies holding a job (no Release) loses it when its lease
// ends; while it lives, its heartbeat keeps the job its own.
func TestKilledReplicasJobIsTakenOver(t *testing.T) {
	ctx := context.Background()
	st := testkit.OpenStore(t, filepath.Join(t.TempDir(), "w.db"), nil)
	clock := testkit.NewClock(t0)
	j, err := bot.NewJob("slack", bot.EffectAnnounce, 0, bot.PostPayload{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	newWorker := func(owner string) (*outbox.Worker, *int) {
		w := outbox.New(outbox.Config{Owner: owner, Now: clock.Now, Lease: 10 * time.Second}, st, nil)
		ran := new(int)
		w.Handle("slack.announce", func(context.Context, bot.Job) error { *ran++; return nil })
		return w, ran
	}
	a, _ := newWorker("a")
	b, ranB := newWorker("b")

	// a claims the job (as its lane would) and is still delivering it.
	claimed, err := st.Claim(ctx, a.Owner(), "slack", clock.Now(), 10*time.Second, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("a's claim = %v, %v", claimed, err)
	}
	clock.Advance(8 * time.Second)
	if n, err := a.Renew(ctx); err != nil || n != 1 {
		t.Fatalf("a's heartbeat renewed %d, %v; want 1", n, err)
	}
	clock.Advance(4 * time.Second) // +12s: past the first lease, within the renewed one
	if n, err := b.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("b took %d jobs (%v) from a live replica", n, err)
	}
	// a dies without releasing: no more heartbeats.
	clock.Advance(6 * time.Second) // +18s: the renewed lease ended
	if n, err := b.RunOnce(ctx); err != nil || n != 1 || *ranB != 1 {
		t.Fatalf("b took %d jobs (%v), ran %d; want a's job taken over and delivered", n, err, *ranB)
	}
	if live, _ := st.LiveJobs(ctx, 0); len(live) != 0 {
		t.Errorf("live jobs after the takeover: %+v", live)
	}
}
