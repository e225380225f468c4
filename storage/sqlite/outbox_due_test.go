package sqlite

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestHandedJobsLeaveOutboxDue: since schema 46 outbox_due leaves out the
// jobs written claimed in their command's commit (handed), so such a job
// writes no entry of it, and neither does its completion nor the sweep of
// finished jobs. Read from the -wal file's frames of 33 acknowledgements
// (each console card job handed over) and of their deliveries (which
// sweep), after 40 declarations.
func TestHandedJobsLeaveOutboxDue(t *testing.T) {
	ctx := t.Context()
	s, svc, h, path := pagesStore(t)
	deliver := func() {
		t.Helper()
		jobs, err := h.due(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if err := svc.SaveMessage(ctx, cardMessage(j)); err != nil {
				t.Fatal(err)
			}
			if err := s.Complete(ctx, j.ID, "bench"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var incidents []int64
	for range 40 {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV2, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		deliver()
		incidents = append(incidents, inc.Number)
	}
	var off int64
	step := func() map[string]int {
		t.Helper()
		pages := map[string]int{}
		var err error
		if off, err = walPagesFrom(ctx, s.DB(), path+"-wal", off, pages); err != nil {
			t.Fatal(err)
		}
		return pages
	}
	step() // the history's frames
	// More acknowledgements than a sweep's batch (32): their completions sweep.
	acked, delivered := map[string]int{}, map[string]int{}
	for _, n := range incidents[:33] {
		h.mu.Lock()
		before := len(h.handed)
		h.mu.Unlock()
		if _, err := svc.Ack(ctx, bot.Cause{}, n, "alice"); err != nil {
			t.Fatal(err)
		}
		for tree, p := range step() {
			acked[tree] += p
		}
		h.mu.Lock()
		handed := len(h.handed) - before
		h.mu.Unlock()
		if handed != 1 {
			t.Fatalf("the acknowledgement of %d handed over %d jobs, want its card's", n, handed)
		}
		deliver()
		for tree, p := range step() {
			delivered[tree] += p
		}
	}
	checkTreesWritten(t, []treeWritten{
		{"acknowledgements", acked, "outbox", true},
		{"acknowledgements", acked, "outbox_due", false},
		{"deliveries", delivered, "outbox", true},
		{"deliveries", delivered, "outbox_due", false},
	})
}

// TestRequeuedHandedJobIsClaimed: a handed job put back to pending (a wait,
// a failure) is claimed by the next claim through outbox_due, not left for
// the next look for lapsed leases.
func TestRequeuedHandedJobIsClaimed(t *testing.T) {
	ctx := t.Context()
	s, svc, h, _ := pagesStore(t)
	for range 2 {
		if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "Disk almost full", Severity: bot.SEV2, Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
	}
	h.mu.Lock()
	handed := h.handed
	h.mu.Unlock()
	if len(handed) < 2 {
		t.Fatalf("%d jobs were handed over, want 2", len(handed))
	}
	now := time.Now()
	if jobs, err := s.Claim(ctx, "other", "", now, time.Minute, 10); err != nil || len(jobs) != 0 {
		t.Fatalf("within the lease another claimed %d jobs (%v), want none", len(jobs), err)
	}
	for i, back := range []func(id int64) error{
		func(id int64) error { return s.Wait(ctx, id, "bench", now) },
		func(id int64) error { return s.Retry(ctx, id, "bench", now, now, "HTTP 503") },
	} {
		j := handed[i]
		if err := back(j.ID); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.Claim(ctx, "other", "", now.Add(time.Duration(i+1)*time.Millisecond), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 || jobs[0].ID != j.ID {
			t.Errorf("after the handed job %d was put back (%d), a claim took %+v; want it", j.ID, i, jobs)
		}
	}
}
