package slack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

// declare declares n incidents from Slack and delivers their channels.
func declare(t *testing.T, s *stack, titles ...string) {
	t.Helper()
	for _, title := range titles {
		r := s.command("U0ALICE", "C0GENERAL", "/incident declare "+title)
		if strings.Contains(r.Text, "Working on it") {
			// A stack with a short reply budget on a loaded machine:
			// the answer came as the follow-up.
			s.app.Wait()
			r = lastResponse(t, s.fake)
		}
		if !strings.Contains(r.Text, "Declared") {
			t.Fatalf("declare %q: %+v", title, r)
		}
	}
	s.drain()
}

// TestRateLimitPausesOnlyThatChannel: a 429 on one incident channel pauses
// that channel for Retry-After, while another channel keeps flowing.
func TestRateLimitPausesOnlyThatChannel(t *testing.T) {
	s := newStack(t, options{announce: "-none-"})
	declare(t, s, "Alpha down", "Beta down")
	a, b := s.channel(1), s.channel(2)
	s.fake.Fail("chat.update", slacktest.Failure{Status: 429, RetryAfter: 30, Channel: a.ID})
	ctx := context.Background()
	for _, n := range []int64{1, 2} {
		if _, err := s.svc.Ack(ctx, bot.Cause{}, n, "U0BOB"); err != nil {
			t.Fatal(err)
		}
	}
	s.drain()
	if m := s.messages(b.ID)[0]; m.Edits != 1 {
		t.Errorf("channel B card edits = %d, want 1 while A is rate limited", m.Edits)
	}
	if m := s.messages(a.ID)[0]; m.Edits != 0 {
		t.Errorf("channel A card edited despite the 429")
	}
	// The job waits for Retry-After: the outbox holds it ~30 s ahead.
	stats, err := s.store.OutboxStats(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Pending != 1 {
		t.Errorf("pending jobs = %d, want A's card edit", stats.Pending)
	}
	due, err := s.store.Claim(ctx, "probe", "", time.Now().Add(25*time.Second), time.Second, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 {
		t.Errorf("A's job is due before Retry-After: %+v", due)
	}
	// More changes on B keep flowing; on A nothing is called while paused.
	if _, err := s.svc.SetStatus(ctx, 2, "U0BOB", bot.StatusInvestigating); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if m := s.messages(b.ID)[0]; m.Edits != 2 {
		t.Errorf("channel B card edits = %d, want 2", m.Edits)
	}
	calls := 0
	for _, c := range s.fake.Calls("chat.update") {
		if c.Params["channel"] == a.ID {
			calls++
		}
	}
	if calls != 1 {
		t.Errorf("%d chat.update calls to the paused channel, want the one that got 429", calls)
	}
	// After Retry-After, A's job delivers.
	jobs, err := s.store.Claim(ctx, "later", "", time.Now().Add(31*time.Second), time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim after Retry-After: %v, %d jobs", err, len(jobs))
	}
}

// TestRevokedTokenStopsDelivery: token_revoked stops Slack delivery with
// one clear error; jobs wait instead of looping.
func TestRevokedTokenStopsDelivery(t *testing.T) {
	s := newStack(t, options{})
	s.fake.Revoke("token_revoked")
	for i := range 5 {
		s.command("U0ALICE", "C0GENERAL", fmt.Sprintf("/incident declare Outage %d", i))
	}
	s.drain()
	// Jobs already in flight when the first failure came back may each have
	// made their one call; after that, nothing calls Slack.
	inFlight := len(s.fake.Calls(""))
	if inFlight > 1+5 {
		t.Errorf("%d Slack calls with a revoked token, want at most one per in-flight job", inFlight)
	}
	if err := s.app.Handlers()["slack.open"](context.Background(), bot.Job{ID: 99, Kind: "slack.open", Incident: 1}); err == nil {
		t.Error("delivery went on with a revoked token")
	}
	if n := len(s.fake.Calls("")); n != inFlight {
		t.Errorf("%d more Slack calls after the token was found revoked", n-inFlight)
	}
	if n := strings.Count(s.logs.String(), "slack rejected the bot token"); n != 1 {
		t.Errorf("the auth error was logged %d times, want once:\n%s", n, s.logs)
	}
	stats, _ := s.store.OutboxStats(context.Background(), time.Now())
	if stats.Pending != 5 || stats.Dead != 0 {
		t.Errorf("outbox = %+v, want 5 jobs waiting and none dead", stats)
	}
}

// TestChannelNotFoundIsPermanent: a channel deleted under warroom makes the
// job dead at once, not retried.
func TestChannelNotFoundIsPermanent(t *testing.T) {
	s := newStack(t, options{announce: "-none-"})
	declare(t, s, "Gamma down")
	s.fake.Fail("chat.update", slacktest.Failure{Error: "channel_not_found", Times: 5})
	if _, err := s.svc.Ack(context.Background(), bot.Cause{}, 1, "U0BOB"); err != nil {
		t.Fatal(err)
	}
	s.drain()
	stats, _ := s.store.OutboxStats(context.Background(), time.Now())
	if stats.Dead != 1 || stats.Pending != 0 {
		t.Errorf("outbox = %+v, want the job dead", stats)
	}
	if n := len(s.fake.Calls("chat.update")); n != 1 {
		t.Errorf("%d chat.update calls, want 1", n)
	}
}

// TestDeletedCardIsPostedAgain: when the card's message is gone, the next
// edit posts (and pins) it again instead of failing forever.
func TestDeletedCardIsPostedAgain(t *testing.T) {
	s := newStack(t, options{announce: "-none-"})
	declare(t, s, "Delta down")
	ch := s.channel(1)
	old := s.messages(ch.ID)[0]
	s.fake.DeleteMessage(ch.ID, old.TS)
	if _, err := s.svc.Ack(context.Background(), bot.Cause{}, 1, "U0BOB"); err != nil {
		t.Fatal(err)
	}
	s.drain()
	msgs := s.messages(ch.ID)
	if len(msgs) != 1 || msgs[0].TS == old.TS || !msgs[0].Pinned || !strings.Contains(string(msgs[0].Blocks), "acknowledged") {
		t.Errorf("card after deletion = %+v", msgs)
	}
}

// TestStormCoalesces: 100 changes to one incident within a second make at
// most 2 chat.update calls, and a fake enforcing Slack's posting limit
// never answers 429.
func TestStormCoalesces(t *testing.T) {
	if testing.Short() {
		t.Skip("takes two seconds of real time")
	}
	s := newStack(t, options{interval: time.Second, announce: "-none-"})
	// The fake refuses writes closer than 0.7 s: the app paces at 1 s, and the
	// margin absorbs scheduling delays on a loaded machine without letting
	// an unpaced burst through.
	s.fake.EnforcePace(700 * time.Millisecond)
	declare(t, s, "Storm")
	ch := s.channel(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.worker.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	start := time.Now()
	for i := range 100 {
		if _, err := s.svc.SetField(ctx, 1, "U0BOB", bot.FieldSummary, fmt.Sprintf("change %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	storm := time.Since(start)
	testkit.Eventually(t, "the card to show the last change", func() bool {
		return strings.Contains(string(s.messages(ch.ID)[0].Blocks), "change 99")
	})
	// Let anything still queued run: it must find nothing to change.
	waitIdle(t, s)
	updates := len(s.fake.Calls("chat.update"))
	t.Logf("100 changes in %s → %d chat.update calls, %d answered 429", storm, updates, s.fake.Limited())
	// One edit per second of storm, plus the final state: at most 2 for a
	// storm that fits in a second.
	if limit := 1 + int((storm+time.Second-1)/time.Second); updates > max(limit, 2) {
		t.Errorf("%d chat.update calls for a %s storm, want at most %d", updates, storm, max(limit, 2))
	}
	if s.fake.Limited() != 0 {
		t.Errorf("the fake answered 429 %d times", s.fake.Limited())
	}
}

// waitIdle polls until the outbox has nothing pending.
func waitIdle(t *testing.T, s *stack) {
	t.Helper()
	testkit.Eventually(t, "an outbox with nothing pending", func() bool {
		st, err := s.store.OutboxStats(context.Background(), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return st.Pending == 0
	})
}

// TestMissingAnnouncementChannel: an announcement channel that does not
// exist is logged, and the incident channel works all the same.
func TestMissingAnnouncementChannel(t *testing.T) {
	s := newStack(t, options{announce: "#no-such-channel"})
	declare(t, s, "Zeta down")
	ch := s.channel(1)
	if msgs := s.messages(ch.ID); len(msgs) != 1 || !msgs[0].Pinned {
		t.Fatalf("incident channel = %+v", msgs)
	}
	stats, _ := s.store.OutboxStats(context.Background(), time.Now())
	if stats.Dead != 0 || stats.Pending != 0 {
		t.Errorf("outbox = %+v", stats)
	}
	if !strings.Contains(s.logs.String(), "announcement channel cannot be written") {
		t.Errorf("no warning logged:\n%s", s.logs)
	}
}

// TestSharedAnnouncementChannelIsPaced: incidents changing at once share
// the announcement channel's one write a second; their edits wait their
// turn without failing (no attempt spent, nothing dead), and the fake that
// enforces the limit never answers 429.
func TestSharedAnnouncementChannelIsPaced(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds of real time")
	}
	s := newStack(t, options{interval: time.Second})
	s.fake.EnforcePace(900 * time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.worker.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	for _, title := range []string{"Eta down", "Theta down", "Iota down"} {
		s.command("U0ALICE", "C0GENERAL", "/incident declare "+title)
	}
	waitIdle(t, s)
	for n := int64(1); n <= 3; n++ {
		if _, err := s.svc.Ack(ctx, bot.Cause{}, n, "U0BOB"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "every announcement edited", func() bool {
		ann := s.messages(announceID)
		if len(ann) != 3 {
			return false
		}
		for _, m := range ann {
			if !strings.Contains(string(m.Blocks), "acknowledged") {
				return false
			}
		}
		return true
	})
	waitIdle(t, s)
	stats, _ := s.store.OutboxStats(ctx, time.Now())
	if stats.Dead != 0 {
		t.Errorf("%d jobs dead", stats.Dead)
	}
	if c := s.worker.Counters(); c.Retried != 0 {
		t.Errorf("pacing spent %d retries", c.Retried)
	}
	if n := s.fake.Limited(); n != 0 {
		t.Errorf("the fake answered 429 %d times", n)
	}
}
