package console_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// buryJob writes one job and dead-letters it, as the worker does when its
// failure budget runs out, and returns its id.
func buryJob(t *testing.T, s *stack, lastErr string) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	j, err := bot.NewJob("slack", bot.EffectAnnounce, 0, bot.PostPayload{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	jobs, err := s.store.Claim(ctx, "test", "slack", now, time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim = %v, %v", jobs, err)
	}
	if err := s.store.Bury(ctx, jobs[0].ID, "test", lastErr); err != nil {
		t.Fatal(err)
	}
	return jobs[0].ID
}

// TestOutboxPage: the console lists dead letters with their last error,
// sends one again (it is waiting for delivery then) and drops another;
// the audit names the console.
func TestOutboxPage(t *testing.T) {
	s := newStack(t, console.Config{})
	replay := buryJob(t, s, "channel_not_found")
	drop := buryJob(t, s, "msg_too_long")

	res := s.request(t, "GET", "/outbox", "", nil)
	if res.status != 200 || !strings.Contains(res.body, "channel_not_found") || !strings.Contains(res.body, "msg_too_long") {
		t.Fatalf("GET /outbox = %d, dead letters missing:\n%s", res.status, res.body)
	}
	id := strconv.FormatInt(replay, 10)
	if res := s.request(t, "POST", "/outbox/"+id+"/retry", "", nil); res.status != 303 || !strings.Contains(res.header.Get("Location"), "queued+again") {
		t.Fatalf("retry = %d %q", res.status, res.header.Get("Location"))
	}
	if res := s.request(t, "POST", "/outbox/"+strconv.FormatInt(drop, 10)+"/drop", "", nil); res.status != 303 {
		t.Fatalf("drop = %d", res.status)
	}
	dead, err := s.svc.OutboxJobs(context.Background(), true, 0)
	if err != nil || len(dead) != 0 {
		t.Fatalf("dead letters after retry and drop: %v, %v", dead, err)
	}
	live, err := s.svc.OutboxJobs(context.Background(), false, 0)
	if err != nil || len(live) != 1 || live[0].ID != replay {
		t.Fatalf("waiting jobs = %v, %v; want job %d sent again", live, err, replay)
	}
	if res := s.request(t, "GET", "/outbox", "", nil); !strings.Contains(res.body, "No dead letters.") {
		t.Errorf("the page still lists dead letters:\n%s", res.body)
	}
	if res := s.request(t, "POST", "/outbox/"+id+"/drop", "", nil); res.status != 404 {
		t.Errorf("dropping a job that is not dead = %d, want 404", res.status)
	}
	if res := s.request(t, "POST", "/outbox/x1/retry", "", nil); res.status != 400 {
		t.Errorf("a bad job id = %d, want 400", res.status)
	}
	recs, err := s.svc.Audit(context.Background(), bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, r := range recs {
		if r.Actor == console.Platform {
			acts = append(acts, r.Action)
		}
	}
	if strings.Join(acts, ",") != "outbox_replay,outbox_drop" {
		t.Errorf("audited console actions = %v", acts)
	}
}
