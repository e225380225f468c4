package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// handoffStore is a store that writes jobs claimed as they are enqueued
// (bot.Handoff).
type handoffStore interface {
	SetHandoff(bot.Handoff)
}

// fakeHandoff reserves a slot for every job due at t0 for owner, with a
// one-minute lease, and records what the store hands over or gives back.
type fakeHandoff struct {
	owner string
	mu    sync.Mutex
	asked int
	given []bot.Job // delivered
	back  int       // unreserved
}

func (h *fakeHandoff) Reserve(j *bot.Job) (string, time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked++
	if j.NextAt.After(t0) {
		return "", time.Time{}, false
	}
	return h.owner, at(time.Minute), true
}

func (h *fakeHandoff) Deliver(jobs []bot.Job) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.given = append(h.given, jobs...)
}

func (h *fakeHandoff) Unreserve(string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.back++
}

// state is how many reservations were asked, delivered and given back.
func (h *fakeHandoff) state() (asked, given, back int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked, len(h.given), h.back
}

// withHandoff sets a fakeHandoff of owner on s, or skips the test when s
// does not take one.
func withHandoff(t *testing.T, s bot.Store, owner string) *fakeHandoff {
	t.Helper()
	hs, ok := s.(handoffStore)
	if !ok {
		t.Skip("the store writes no job claimed")
	}
	h := &fakeHandoff{owner: owner}
	hs.SetHandoff(h)
	t.Cleanup(func() { hs.SetHandoff(nil) })
	return h
}

// testOutboxHandoff: a due job enqueued while a worker has a slot is
// written claimed by it (attempt 1, its lease) and handed over after the
// commit; no other worker takes it while the lease holds, and once it ran
// out the job is claimed again (attempt 2) and the first worker's outcome
// is refused: never delivered twice by two live workers.
func testOutboxHandoff(t *testing.T, s bot.Store) {
	ctx := context.Background()
	h := withHandoff(t, s, "a")
	j := enqueue(t, s, &bot.Job{OrderKey: "console:INC-1"})[0]
	if asked, given, back := h.state(); asked != 1 || given != 1 || back != 0 {
		t.Fatalf("reservations asked, delivered, given back = %d, %d, %d; want 1, 1, 0", asked, given, back)
	}
	got := h.given[0]
	if got.ID != j.ID || got.ID == 0 || got.Status != bot.JobRunning || got.Attempts != 1 || got.LeaseOwner != "a" ||
		!got.LeaseUntil.Equal(at(time.Minute)) || got.Target != "console" {
		t.Errorf("handed over %+v; want job %d running, attempt 1, leased to a until %v", got, j.ID, at(time.Minute))
	}
	live, err := s.(bot.OutboxAdmin).LiveJobs(ctx, 0)
	must(t, err)
	if len(live) != 1 || live[0].Status != bot.JobRunning || live[0].LeaseOwner != "a" || live[0].Attempts != 1 {
		t.Fatalf("stored %+v; want the job running, leased to a, attempt 1", live)
	}
	diff(t, "b within a's lease", []int64{}, claim(t, s, "b", at(30*time.Second)))
	must(t, s.Complete(ctx, j.ID, "a")) // a delivered it
	diff(t, "b after a completed", []int64{}, claim(t, s, "b", at(2*time.Minute)))

	// a is killed before it delivers: its lease runs out, b delivers.
	k := enqueue(t, s, &bot.Job{OrderKey: "console:INC-2"})[0]
	diff(t, "b within a's lease", []int64{}, claim(t, s, "b", at(59*time.Second)))
	again, err := s.Claim(ctx, "b", "", at(time.Minute), time.Minute, 10)
	must(t, err)
	if len(again) != 1 || again[0].ID != k.ID || again[0].Attempts != 2 || again[0].LeaseOwner != "b" {
		t.Fatalf("after a's lease ran out b claimed %+v; want job %d, attempt 2", again, k.ID)
	}
	if err := s.Complete(ctx, k.ID, "a"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a's late completion: %v, want an error wrapping ErrNotFound", err)
	}
	must(t, s.Complete(ctx, k.ID, "b"))
}

// testOutboxHandoffWaits: a job behind a live job of its order key, one a
// pending job with its coalesce key takes, one not yet due, and one whose
// transaction rolls back are not written claimed; each reservation is
// given back, and the jobs run in order as before.
func testOutboxHandoffWaits(t *testing.T, s bot.Store) {
	ctx := context.Background()
	h := withHandoff(t, s, "a")
	head := enqueue(t, s, &bot.Job{OrderKey: "console:INC-1"})[0]
	behind := enqueue(t, s, &bot.Job{Kind: "console.card", OrderKey: "console:INC-1", CoalesceKey: "console.card:INC-1"})[0]
	twin := enqueue(t, s, &bot.Job{Kind: "console.card", OrderKey: "console:INC-1", CoalesceKey: "console.card:INC-1"})[0]
	later := enqueue(t, s, &bot.Job{OrderKey: "console:INC-2", NextAt: at(time.Hour)})[0]
	if asked, given, back := h.state(); asked != 4 || given != 1 || back != 2 {
		t.Errorf("reservations asked, delivered, given back = %d, %d, %d; want 4, 1, 2", asked, given, back)
	}
	if twin.ID != 0 {
		t.Errorf("the card job's twin was written (id %d), want it coalesced", twin.ID)
	}
	if behind.ID == 0 || behind.Status != bot.JobPending {
		t.Errorf("the job behind the head is %+v, want it written pending", behind)
	}
	err := s.InTx(ctx, func(tx bot.Tx) error {
		if err := tx.Enqueue(ctx, &bot.Job{Kind: "console.post", OrderKey: "console:INC-3", NextAt: t0, CreatedAt: t0}); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("InTx returned nil for a failed fn")
	}
	if asked, given, back := h.state(); asked != 5 || given != 1 || back != 3 {
		t.Errorf("after a rollback: reservations asked, delivered, given back = %d, %d, %d; want 5, 1, 3", asked, given, back)
	}
	diff(t, "behind the handed head", []int64{}, claim(t, s, "a", t0))
	must(t, s.Complete(ctx, head.ID, "a"))
	diff(t, "after the head", ids(behind), claim(t, s, "a", t0))
	must(t, s.Complete(ctx, behind.ID, "a"))
	diff(t, "the job due later", ids(later), claim(t, s, "a", at(time.Hour)))
	must(t, s.Complete(ctx, later.ID, "a"))
	st, err := s.OutboxStats(ctx, at(time.Hour))
	must(t, err)
	diff(t, "nothing left (the rolled back job was never written)", bot.OutboxStats{}, st)
}
