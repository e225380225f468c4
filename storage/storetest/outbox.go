package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// enqueue writes jobs in one transaction and returns them with their IDs.
func enqueue(t *testing.T, s bot.Store, jobs ...*bot.Job) []*bot.Job {
	t.Helper()
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, j := range jobs {
			if j.NextAt.IsZero() {
				j.NextAt = t0
			}
			if j.CreatedAt.IsZero() {
				j.CreatedAt = t0
			}
			if j.Kind == "" {
				j.Kind = "console.post"
			}
			j.Status = bot.JobPending
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		return nil
	})
	return jobs
}

// claim claims up to 10 jobs for owner at now with a one-minute lease and
// returns their IDs.
func claim(t *testing.T, s bot.Store, owner string, now time.Time) []int64 {
	t.Helper()
	jobs, err := s.Claim(context.Background(), owner, "", now, time.Minute, 10)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	ids := []int64{}
	for _, j := range jobs {
		if j.Status != bot.JobRunning || j.LeaseOwner != owner || !j.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claimed job %d is %s by %q until %v", j.ID, j.Status, j.LeaseOwner, j.LeaseUntil)
		}
		ids = append(ids, j.ID)
	}
	return ids
}

func ids(jobs ...*bot.Job) []int64 {
	out := []int64{}
	for _, j := range jobs {
		out = append(out, j.ID)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testOutboxRoundTrip(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "A", bot.StatusTriggered)
	full := &bot.Job{Kind: "slack.post", Incident: inc.Number, Payload: json.RawMessage(`{"message":{"text":"hi"},"announce":true}`),
		OrderKey: "slack:INC-1", CoalesceKey: "slack.post:INC-1", NextAt: at(-time.Second), CreatedAt: at(-time.Minute)}
	bare := &bot.Job{Kind: "console.open", NextAt: t0, CreatedAt: t0}
	enqueue(t, s, full, bare)
	if full.ID == 0 || bare.ID <= full.ID {
		t.Fatalf("IDs %d, %d: want increasing, non-zero", full.ID, bare.ID)
	}
	got, err := s.Claim(ctx, "w1", "", t0, 30*time.Second, 10)
	must(t, err)
	want := []bot.Job{*full, *bare}
	for i := range want {
		want[i].Status, want[i].Attempts, want[i].LeaseOwner, want[i].LeaseUntil = bot.JobRunning, 1, "w1", at(30*time.Second)
		want[i].NextAt = at(30 * time.Second) // a running job is due again when its lease ends
	}
	diff(t, "claimed jobs", want, got)
	must(t, s.Complete(ctx, full.ID, "w1"))
	must(t, s.Complete(ctx, bare.ID, "w1"))
	if got := claim(t, s, "w1", at(time.Hour)); len(got) != 0 {
		t.Errorf("done jobs claimed again: %v", got)
	}
	st, err := s.OutboxStats(ctx, t0)
	must(t, err)
	diff(t, "stats", bot.OutboxStats{}, st)
	if err := s.Complete(ctx, full.ID, "w1"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("completing a done job: %v, want ErrNotFound", err)
	}
}

func testOutboxNotDue(t *testing.T, s bot.Store) {
	later := enqueue(t, s, &bot.Job{NextAt: at(time.Minute)})[0]
	now := enqueue(t, s, &bot.Job{NextAt: t0})[0]
	diff(t, "claim at t0", ids(now), claim(t, s, "w", t0))
	must(t, s.Complete(context.Background(), now.ID, "w"))
	diff(t, "claim before due", []int64{}, claim(t, s, "w", at(59*time.Second)))
	diff(t, "claim when due", ids(later), claim(t, s, "w", at(time.Minute)))
}

func testOutboxCoalescing(t *testing.T, s bot.Store) {
	ctx := context.Background()
	first := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-1"})[0]
	dup := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-1", NextAt: at(time.Second)})[0]
	if first.ID == 0 || dup.ID != 0 {
		t.Fatalf("IDs %d, %d: want the second merged (ID 0)", first.ID, dup.ID)
	}
	other := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-2"})[0]
	plain := enqueue(t, s, &bot.Job{}, &bot.Job{}) // empty keys never merge
	st, err := s.OutboxStats(ctx, t0)
	must(t, err)
	if st.Pending != 4 {
		t.Errorf("pending %d, want 4", st.Pending)
	}
	diff(t, "claimed", ids(first, other, plain[0], plain[1]), claim(t, s, "w", t0))
	// Once the first is claimed, a new card is a new job.
	again := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-1"})[0]
	if again.ID == 0 {
		t.Error("a card enqueued while the first runs was merged into it")
	}
}

func testOutboxOrderKeys(t *testing.T, s bot.Store) {
	ctx := context.Background()
	jobs := enqueue(t, s,
		&bot.Job{OrderKey: "console:INC-1"}, // 0
		&bot.Job{OrderKey: "console:INC-1"}, // 1 waits for 0
		&bot.Job{OrderKey: "console:INC-2"}, // 2
		&bot.Job{},                          // 3
		&bot.Job{OrderKey: "console:INC-1"}, // 4 waits for 1
	)
	diff(t, "first claim", ids(jobs[0], jobs[2], jobs[3]), claim(t, s, "w", t0))
	diff(t, "while 0 runs", []int64{}, claim(t, s, "w", t0))
	must(t, s.Complete(ctx, jobs[0].ID, "w"))
	diff(t, "after 0 is done", ids(jobs[1]), claim(t, s, "w", t0))
	// A dead older job no longer blocks.
	must(t, s.Bury(ctx, jobs[1].ID, "w", "gave up"))
	diff(t, "after 1 is dead", ids(jobs[4]), claim(t, s, "w", t0))
	for _, j := range []*bot.Job{jobs[2], jobs[3], jobs[4]} {
		must(t, s.Complete(ctx, j.ID, "w"))
	}

	// An older job waiting for its retry time blocks younger ones.
	waiting := enqueue(t, s, &bot.Job{OrderKey: "console:INC-3", NextAt: at(time.Hour)}, &bot.Job{OrderKey: "console:INC-3"})
	diff(t, "behind a waiting job", []int64{}, claim(t, s, "w", t0))
	diff(t, "when the older is due", ids(waiting[0]), claim(t, s, "w", at(time.Hour)))
}

func testOutboxLeaseExpiry(t *testing.T, s bot.Store) {
	ctx := context.Background()
	j := enqueue(t, s, &bot.Job{OrderKey: "k"})[0]
	younger := enqueue(t, s, &bot.Job{OrderKey: "k"})[0]
	diff(t, "w1 claims", ids(j), claim(t, s, "w1", t0))
	diff(t, "w2 within the lease", []int64{}, claim(t, s, "w2", at(30*time.Second)))
	got, err := s.Claim(ctx, "w2", "", at(time.Minute), time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].ID != j.ID || got[0].Attempts != 2 || got[0].LeaseOwner != "w2" {
		t.Fatalf("after the lease ran out w2 claimed %+v; want job %d, attempt 2", got, j.ID)
	}
	// The stale owner can no longer change the job.
	for name, err := range map[string]error{
		"Complete": s.Complete(ctx, j.ID, "w1"),
		"Retry":    s.Retry(ctx, j.ID, "w1", at(time.Minute), at(time.Hour), "late"),
		"Wait":     s.Wait(ctx, j.ID, "w1", at(time.Hour)),
		"Bury":     s.Bury(ctx, j.ID, "w1", "late"),
	} {
		if !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("stale %s: %v, want an error wrapping ErrNotFound", name, err)
		}
	}
	diff(t, "younger still waits", []int64{}, claim(t, s, "w3", at(time.Minute)))
	must(t, s.Complete(ctx, j.ID, "w2"))
	diff(t, "younger after completion", ids(younger), claim(t, s, "w3", at(time.Minute)))
}

func testOutboxRetry(t *testing.T, s bot.Store) {
	ctx := context.Background()
	j := enqueue(t, s, &bot.Job{CoalesceKey: "console.card:INC-1"})[0]
	claim(t, s, "w", t0)
	must(t, s.Retry(ctx, j.ID, "w", at(time.Second), at(10*time.Second), "HTTP 503"))
	if again := enqueue(t, s, &bot.Job{CoalesceKey: "console.card:INC-1"})[0]; again.ID != 0 {
		t.Error("a retried (pending) job did not absorb a new job with its coalesce key")
	}
	diff(t, "before the retry time", []int64{}, claim(t, s, "w", at(9*time.Second)))
	got, err := s.Claim(ctx, "w", "", at(10*time.Second), time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].ID != j.ID || got[0].Attempts != 2 || got[0].LastError != "HTTP 503" ||
		got[0].Failures != 1 || !got[0].FirstFailedAt.Equal(at(time.Second)) || !got[0].NextAt.Equal(at(70*time.Second)) {
		t.Fatalf("retried job claimed as %+v", got)
	}
	must(t, s.Bury(ctx, j.ID, "w", "HTTP 400"))
	dead, err := s.DeadJobs(ctx, 10)
	must(t, err)
	if len(dead) != 1 || dead[0].ID != j.ID || dead[0].Status != bot.JobDead || dead[0].LastError != "HTTP 400" {
		t.Errorf("dead jobs %+v", dead)
	}
}

func testOutboxRetrySuperseded(t *testing.T, s bot.Store) {
	ctx := context.Background()
	j := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-1"})[0]
	claim(t, s, "w", t0)
	newer := enqueue(t, s, &bot.Job{Kind: "console.card", CoalesceKey: "console.card:INC-1", NextAt: at(time.Second)})[0]
	if newer.ID == 0 {
		t.Fatal("new card merged into the running one")
	}
	must(t, s.Retry(ctx, j.ID, "w", t0, at(time.Second), "timeout"))
	st, err := s.OutboxStats(ctx, at(time.Second))
	must(t, err)
	if st.Pending != 1 {
		t.Errorf("pending %d, want 1: the retried job should be superseded", st.Pending)
	}
	diff(t, "only the newer runs", ids(newer), claim(t, s, "w", at(time.Hour)))
}

func testOutboxRelease(t *testing.T, s bot.Store) {
	ctx := context.Background()
	jobs := enqueue(t, s, &bot.Job{OrderKey: "a"}, &bot.Job{CoalesceKey: "card:1"}, &bot.Job{})
	diff(t, "w1 claims", ids(jobs...), claim(t, s, "w1", t0))
	must(t, s.Complete(ctx, jobs[2].ID, "w1"))
	other := enqueue(t, s, &bot.Job{})[0]
	claim(t, s, "w2", t0)
	newer := enqueue(t, s, &bot.Job{CoalesceKey: "card:1"})[0]
	must(t, s.Release(ctx, "w1", at(5*time.Second)))
	// Released jobs are due at once for anyone; the one a newer card
	// supersedes is done; w2's job is untouched.
	diff(t, "after release", ids(jobs[0], newer), claim(t, s, "w3", at(5*time.Second)))
	must(t, s.Complete(ctx, other.ID, "w2"))
	must(t, s.Release(ctx, "nobody", t0))
}

func testOutboxStatsAndDead(t *testing.T, s bot.Store) {
	ctx := context.Background()
	st, err := s.OutboxStats(ctx, t0)
	must(t, err)
	diff(t, "empty stats", bot.OutboxStats{}, st)
	jobs := enqueue(t, s,
		&bot.Job{Kind: "a", CreatedAt: at(-time.Minute)},
		&bot.Job{Kind: "b", CreatedAt: at(-2 * time.Minute), NextAt: at(time.Hour)},
		&bot.Job{Kind: "c", CreatedAt: at(-30 * time.Second)},
		&bot.Job{Kind: "d", CreatedAt: at(-10 * time.Second)},
	)
	st, err = s.OutboxStats(ctx, t0)
	must(t, err)
	diff(t, "stats", bot.OutboxStats{Pending: 4, OldestAge: 2 * time.Minute}, st)
	claim(t, s, "w", t0) // a, c, d run
	must(t, s.Bury(ctx, jobs[0].ID, "w", "first"))
	must(t, s.Bury(ctx, jobs[2].ID, "w", "second"))
	st, err = s.OutboxStats(ctx, t0)
	must(t, err)
	diff(t, "stats after burying", bot.OutboxStats{Pending: 2, Dead: 2, OldestAge: 2 * time.Minute}, st)

	dead, err := s.DeadJobs(ctx, 0)
	must(t, err)
	var got []string
	for _, j := range dead {
		got = append(got, string(j.Kind)+":"+j.LastError)
		if j.Status != bot.JobDead || j.Attempts != 1 {
			t.Errorf("dead job %+v", j)
		}
	}
	diff(t, "dead jobs, newest first", []string{"c:second", "a:first"}, got)
	dead, err = s.DeadJobs(ctx, 1)
	must(t, err)
	if len(dead) != 1 || dead[0].ID != jobs[2].ID {
		t.Errorf("DeadJobs(1) = %+v", dead)
	}
}
