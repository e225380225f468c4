package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// claimTarget claims up to 10 jobs of target for owner at now with a
// one-minute lease and returns their IDs.
func claimTarget(t *testing.T, s bot.Store, owner, target string, now time.Time) []int64 {
	t.Helper()
	jobs, err := s.Claim(context.Background(), owner, target, now, time.Minute, 10)
	must(t, err)
	out := []int64{}
	for _, j := range jobs {
		if j.Target != target {
			t.Errorf("claim of %s took job %d of %s", target, j.ID, j.Target)
		}
		out = append(out, j.ID)
	}
	return out
}

func testOutboxTargets(t *testing.T, s bot.Store) {
	ctx := context.Background()
	jobs := enqueue(t, s,
		&bot.Job{Kind: "slack.card", OrderKey: "slack:INC-1"},
		&bot.Job{Kind: "pagerduty.trigger", OrderKey: "pagerduty:INC-1"},
		&bot.Job{Kind: "slack.post", OrderKey: "slack:INC-1"},
		&bot.Job{Kind: "slack.post", OrderKey: "slack:INC-2", NextAt: at(-time.Second)},
	)
	if jobs[0].Target != "slack" || jobs[1].Target != "pagerduty" {
		t.Errorf("targets %q, %q", jobs[0].Target, jobs[1].Target)
	}
	diff(t, "pagerduty's lane", ids(jobs[1]), claimTarget(t, s, "w", "pagerduty", t0))
	// The second job of INC-1 waits behind the first (a claim returns its
	// jobs by id).
	diff(t, "slack's lane", ids(jobs[0], jobs[3]), claimTarget(t, s, "w", "slack", t0))
	diff(t, "a lane of nothing", []int64{}, claimTarget(t, s, "w", "jira", t0))
	by, err := s.OutboxByTarget(ctx)
	must(t, err)
	diff(t, "per target", map[string]bot.TargetStats{"slack": {Pending: 3}, "pagerduty": {Pending: 1}}, by)
	must(t, s.Bury(ctx, jobs[1].ID, "w", "HTTP 400"))
	by, err = s.OutboxByTarget(ctx)
	must(t, err)
	diff(t, "per target after burying", map[string]bot.TargetStats{"slack": {Pending: 3}, "pagerduty": {Dead: 1}}, by)
}

func testOutboxWaitIsNotAFailure(t *testing.T, s bot.Store) {
	ctx := context.Background()
	j := enqueue(t, s, &bot.Job{Kind: "slack.post"})[0]
	claimTarget(t, s, "w", "slack", t0)
	must(t, s.Retry(ctx, j.ID, "w", at(time.Second), at(2*time.Second), "HTTP 503"))
	claimTarget(t, s, "w", "slack", at(2*time.Second))
	must(t, s.Wait(ctx, j.ID, "w", at(5*time.Second)))
	diff(t, "before the wait ends", []int64{}, claimTarget(t, s, "w", "slack", at(4*time.Second)))
	got, err := s.Claim(ctx, "w", "slack", at(5*time.Second), time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].Failures != 1 || !got[0].FirstFailedAt.Equal(at(time.Second)) || got[0].LastError != "HTTP 503" || got[0].Attempts != 3 {
		t.Fatalf("after a failure and a wait: %+v; want 1 failure since +1s, 3 attempts", got)
	}
	must(t, s.Retry(ctx, j.ID, "w", at(6*time.Second), at(7*time.Second), "HTTP 502"))
	got, err = s.Claim(ctx, "w", "slack", at(7*time.Second), time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].Failures != 2 || !got[0].FirstFailedAt.Equal(at(time.Second)) || got[0].LastError != "HTTP 502" {
		t.Fatalf("after a second failure: %+v; want 2 failures since the first", got)
	}
}

func testOutboxRenew(t *testing.T, s bot.Store) {
	ctx := context.Background()
	j := enqueue(t, s, &bot.Job{Kind: "slack.post"})[0]
	other := enqueue(t, s, &bot.Job{Kind: "slack.post"})[0]
	claimTarget(t, s, "w1", "slack", t0) // both, until +1m
	must(t, s.Complete(ctx, other.ID, "w1"))
	n, err := s.Renew(ctx, "w1", at(90*time.Second))
	must(t, err)
	if n != 1 {
		t.Errorf("Renew renewed %d, want 1", n)
	}
	diff(t, "within the renewed lease", []int64{}, claimTarget(t, s, "w2", "slack", at(80*time.Second)))
	// Not renewed again (its owner died): taken over when the lease ends.
	diff(t, "after the lease", ids(j), claimTarget(t, s, "w2", "slack", at(90*time.Second)))
	if n, _ := s.Renew(ctx, "w1", at(time.Hour)); n != 0 {
		t.Errorf("the stale owner renewed %d jobs", n)
	}
}

func testOutboxDeadLetters(t *testing.T, s bot.Store) {
	ctx := context.Background()
	jobs := enqueue(t, s,
		&bot.Job{Kind: "slack.card", CoalesceKey: "slack.card:INC-1"},
		&bot.Job{Kind: "jira.comment", Payload: []byte(`{"ref":"e1"}`)},
		&bot.Job{Kind: "jira.comment"},
	)
	claim(t, s, "w", t0)
	for _, j := range jobs {
		must(t, s.Retry(ctx, j.ID, "w", t0, t0, "boom"))
	}
	claim(t, s, "w", t0)
	for _, j := range jobs {
		must(t, s.Bury(ctx, j.ID, "w", "gave up"))
	}
	// A newer card is pending: replaying the old one drops it.
	newer := enqueue(t, s, &bot.Job{Kind: "slack.card", CoalesceKey: "slack.card:INC-1"})[0]
	must(t, s.ReplayDead(ctx, jobs[0].ID, at(time.Minute)))
	must(t, s.ReplayDead(ctx, jobs[1].ID, at(time.Minute)))
	wantNotFound(t, "replay of a job not dead", s.ReplayDead(ctx, jobs[1].ID, at(time.Minute)))
	live, err := s.LiveJobs(ctx, 0)
	must(t, err)
	var liveIDs []int64
	for _, j := range live {
		liveIDs = append(liveIDs, j.ID)
	}
	diff(t, "live after replay", []int64{newer.ID, jobs[1].ID}, liveIDs)
	if r := live[1]; r.Failures != 0 || !r.FirstFailedAt.IsZero() || r.Status != bot.JobPending ||
		!r.NextAt.Equal(at(time.Minute)) || string(r.Payload) != `{"ref":"e1"}` || r.Target != "jira" {
		t.Errorf("replayed job %+v: want pending at +1m with a fresh budget and its payload", r)
	}
	dead, err := s.DeadJobs(ctx, 0)
	must(t, err)
	if len(dead) != 1 || dead[0].ID != jobs[2].ID || dead[0].Failures != 1 || dead[0].LastError != "gave up" {
		t.Fatalf("dead after replay %+v", dead)
	}
	must(t, s.DropDead(ctx, jobs[2].ID))
	wantNotFound(t, "drop of a job not dead", s.DropDead(ctx, jobs[2].ID))
	n, err := s.ReplayAllDead(ctx, t0)
	must(t, err)
	if n != 0 {
		t.Errorf("ReplayAllDead of none = %d", n)
	}
	diff(t, "replayed job runs", ids(jobs[1], newer), claim(t, s, "w", at(time.Minute)))
	must(t, s.Bury(ctx, newer.ID, "w", "x"))
	must(t, s.Bury(ctx, jobs[1].ID, "w", "y"))
	if n, err := s.ReplayAllDead(ctx, at(time.Hour)); err != nil || n != 2 {
		t.Errorf("ReplayAllDead = %d, %v; want 2", n, err)
	}
}

func testPurge(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for i, at := range []time.Time{at(-48 * time.Hour), at(-time.Hour)} {
			if _, err := tx.MarkSeen(ctx, "slack", string(rune('a'+i)), at); err != nil {
				return err
			}
		}
		return nil
	})
	j := enqueue(t, s, &bot.Job{Kind: "slack.post", NextAt: at(-48 * time.Hour)})[0]
	claimTarget(t, s, "w", "slack", at(-48*time.Hour)) // lease ends at -47h59m
	must(t, s.Bury(ctx, j.ID, "w", "old"))
	inc := newIncident(t, s, "purge", bot.StatusTriggered)
	for lvl, due := range []time.Time{at(-48 * time.Hour), at(-time.Hour), at(time.Hour)} {
		tm := &bot.Timer{Incident: inc.Number, Kind: bot.TimerEscalate, Level: lvl + 1, DueAt: due, CreatedAt: at(-72 * time.Hour)}
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			if err := tx.SetTimer(ctx, tm); err != nil {
				return err
			}
			if lvl < 2 {
				return tx.FireTimer(ctx, tm.ID, due)
			}
			return nil
		})
	}
	got, err := s.Purge(ctx, bot.PurgeBefore{Seen: at(-24 * time.Hour), Dead: at(-24 * time.Hour), Timers: at(-24 * time.Hour)})
	must(t, err)
	diff(t, "purged", bot.Purged{Seen: 1, Dead: 1, Timers: 1}, got)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		if first, err := tx.MarkSeen(ctx, "slack", "b", t0); err != nil || first {
			t.Errorf("a recent seen key was purged (first=%v, %v)", first, err)
		}
		return nil
	})
	all, err := s.Timers(ctx, inc.Number)
	must(t, err)
	if len(all) != 2 {
		t.Errorf("timers after purge %+v, want the recent fired one and the pending one", all)
	}
	got, err = s.Purge(ctx, bot.PurgeBefore{})
	must(t, err)
	diff(t, "zero cutoffs purge nothing", bot.Purged{}, got)
}

func testDueTimersPerKind(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "kinds", bot.StatusTriggered)
	var esc int64
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		// A backlog of reminders due before the one escalation.
		for i := 1; i <= 5; i++ {
			tm := &bot.Timer{Incident: inc.Number, Kind: "action:7", Level: i, DueAt: at(time.Duration(i) * time.Second), CreatedAt: t0}
			if err := tx.SetTimer(ctx, tm); err != nil {
				return err
			}
		}
		tm := &bot.Timer{Incident: inc.Number, Kind: bot.TimerEscalate, Level: 1, DueAt: at(time.Minute), CreatedAt: t0}
		err := tx.SetTimer(ctx, tm)
		esc = tm.ID
		return err
	})
	due, err := s.DueTimers(ctx, escalations, at(time.Hour), 2)
	must(t, err)
	if len(due) != 1 || due[0].ID != esc {
		t.Errorf("escalations due = %+v, want the escalation despite the backlog", due)
	}
	due, err = s.DueTimers(ctx, bot.TimerKinds{Prefixes: []string{"action:"}, Kinds: []string{"sla_ack"}}, at(time.Hour), 3)
	must(t, err)
	if len(due) != 3 || due[0].Kind != "action:7" || due[0].Level != 1 || due[2].Level != 3 {
		t.Errorf("reminders due = %+v, want the three soonest action timers", due)
	}
}
