package slack_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// runWorker runs the stack's outbox worker until the test ends.
func runWorker(t *testing.T, s *stack) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.worker.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// topLevelUpdates counts the updates in the announcement channel that are
// not replies in the thread of their incident's announcement (a top-level
// message whose text names the incident).
func topLevelUpdates(s *stack) int {
	msgs := s.messages(announceID)
	roots := map[string]string{} // ts → text
	for _, m := range msgs {
		if m.ThreadTS == "" || m.ThreadTS == m.TS {
			roots[m.TS] = m.Text
		}
	}
	n := 0
	for _, m := range msgs {
		if !strings.HasPrefix(m.Text, "Update on ") {
			continue
		}
		key, _, _ := strings.Cut(strings.TrimPrefix(m.Text, "Update on "), " ")
		key = strings.TrimRight(key, ":")
		root, ok := roots[m.ThreadTS]
		if m.ThreadTS == "" || m.ThreadTS == m.TS || !ok || !regexp.MustCompile(regexp.QuoteMeta(key)+`\b`).MatchString(root) {
			n++
		}
	}
	return n
}

// announcedUpdates counts the updates posted in the announcement channel.
func announcedUpdates(s *stack) int {
	n := 0
	for _, m := range s.messages(announceID) {
		if strings.HasPrefix(m.Text, "Update on ") {
			n++
		}
	}
	return n
}

// TestBurstOfUpdatesAnnounced: 20 incidents × 5 /incident update within 5 s,
// Slack healthy but enforcing its posting limit (one write a channel a
// tick, with bursts), scaled down 25 times: every update reaches the
// announcement channel, nothing is dead, Slack never answers 429. The
// shared announcement channel paces them all: a paced job waits its turn.
func TestBurstOfUpdatesAnnounced(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds of real time")
	}
	// Slack's one second, scaled. Scaling shrinks the limit but not the
	// scheduling jitter of a loaded machine (a reserved slot's post can
	// be delayed tens of milliseconds and arrive beside the next one), so
	// the fake allows the burst Slack allows for a second's jitter.
	const every = 40 * time.Millisecond
	s := newStack(t, options{interval: every})
	s.fake.EnforceLimits(slacktest.Limits{ChannelEvery: every / 2, ChannelBurst: 5})
	runWorker(t, s)
	for i := range 20 {
		s.command("U0ALICE", "C0GENERAL", fmt.Sprintf("/incident declare Burst %d", i))
	}
	waitFor(t, "20 incident channels", func() bool {
		for n := int64(1); n <= 20; n++ {
			inc, err := s.svc.Get(context.Background(), n)
			if err != nil || inc.Channels["slack"] == "" {
				return false
			}
		}
		return true
	})
	start := time.Now()
	var wg sync.WaitGroup
	for n := int64(1); n <= 20; n++ { // each incident's five updates, all incidents at once
		inc, _ := s.svc.Get(context.Background(), n)
		wg.Go(func() {
			for round := range 5 {
				if r := s.command("U0BOB", inc.Channels["slack"], fmt.Sprintf("/incident update progress %d", round)); !strings.Contains(r.Text, "Update posted") {
					t.Errorf("update: %+v", r)
				}
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d > 5*time.Second {
		// The race detector on a busy machine can slow the commands
		// themselves: the burst is then longer, and what follows still holds.
		t.Logf("100 updates took %s, longer than the 5 s burst asked for", d)
	}
	waitFor(t, "100 announced updates", func() bool { return announcedUpdates(s) >= 100 })
	waitIdle(t, s)
	if n := announcedUpdates(s); n != 100 {
		t.Errorf("%d updates announced, want 100", n)
	}
	if top := topLevelUpdates(s); top != 0 {
		t.Errorf("%d of 100 announced updates landed top-level, not in their announcement's thread", top)
	}
	stats, _ := s.store.OutboxStats(context.Background(), time.Now())
	if stats.Dead != 0 {
		t.Errorf("%d jobs dead", stats.Dead)
	}
	if n := s.fake.Limited(); n != 0 {
		t.Errorf("the fake answered 429 %d times", n)
	}
}

// TestAuthBlipHeals: Slack answers invalid_auth for a while, then accepts
// the token again. Delivery is held (one log line, the hold visible to
// every replica through the store), one job at a time probes with backoff,
// and the first probe that gets through resumes delivery without a
// restart: everything is delivered, nothing is dead.
func TestAuthBlipHeals(t *testing.T) {
	s := newStack(t, options{announce: "-none-",
		probe: bot.ProbeBackoff{First: 20 * time.Millisecond, Max: 160 * time.Millisecond}})
	s.fake.Revoke("invalid_auth") // until the hold is seen: a blip that ends before the first call is no blip
	for i := range 3 {
		s.command("U0ALICE", "C0GENERAL", fmt.Sprintf("/incident declare Blip %d", i))
	}
	runWorker(t, s)
	waitFor(t, "the hold", func() bool { _, held := s.app.Held(context.Background()); return held })
	if held, _ := s.store.HeldIntegrations(context.Background()); len(held) != 1 || held[0].Reason != "invalid_auth" {
		t.Errorf("held = %+v", held)
	}
	s.fake.Revoke("") // the blip ends
	waitFor(t, "3 cards posted after the blip", func() bool {
		n := 0
		for _, m := range s.messages("") {
			if m.Pinned {
				n++
			}
		}
		return n == 3
	})
	waitIdle(t, s)
	if _, held := s.app.Held(context.Background()); held {
		t.Error("still held after delivery resumed")
	}
	logs := s.logs.String()
	if n := strings.Count(logs, "slack rejected the bot token"); n != 1 {
		t.Errorf("the hold was logged %d times, want once", n)
	}
	if n := strings.Count(logs, "accepted warroom's credentials again"); n != 1 {
		t.Errorf("the resumption was logged %d times, want once", n)
	}
	// During the blip only probes reached Slack: a few calls, not one per
	// job per retry.
	refused := 0
	for _, c := range s.fake.Calls("") {
		if c.Error == "invalid_auth" {
			refused++
		}
	}
	if refused > 3+6 {
		t.Errorf("%d calls answered invalid_auth, want the jobs in flight and one probe per backoff", refused)
	}
	stats, _ := s.store.OutboxStats(context.Background(), time.Now())
	if stats.Dead != 0 || stats.Pending != 0 {
		t.Errorf("outbox = %+v, want everything delivered", stats)
	}
}

// countingBudgets counts the calls warroom makes on the shared budgets.
type countingBudgets struct {
	bot.Budgets
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingBudgets) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[name]++
}

func (c *countingBudgets) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

func (c *countingBudgets) CheckCall(ctx context.Context, integration, bucket string, now time.Time) (bot.CallCheck, error) {
	c.count("CheckCall")
	return c.Budgets.CheckCall(ctx, integration, bucket, now)
}

func (c *countingBudgets) AdmitIntegration(ctx context.Context, integration string, now time.Time) (time.Duration, bool, error) {
	c.count("AdmitIntegration")
	return c.Budgets.AdmitIntegration(ctx, integration, now)
}

func (c *countingBudgets) BucketPause(ctx context.Context, bucket string, now time.Time) (time.Duration, error) {
	c.count("BucketPause")
	return c.Budgets.BucketPause(ctx, bucket, now)
}

func (c *countingBudgets) TakeSlot(ctx context.Context, bucket string, now time.Time, every time.Duration, burst int) (time.Duration, error) {
	c.count("TakeSlot")
	return c.Budgets.TakeSlot(ctx, bucket, now, every, burst)
}

// TestSlackCallBudgetCost: with Slack healthy, each Web API call costs one
// read of the shared budgets (the hold and the pause at once), and each
// write one statement more for its channel's slot: no other budget call.
func TestSlackCallBudgetCost(t *testing.T) {
	cb := &countingBudgets{calls: map[string]int{}}
	s := newStack(t, options{interval: time.Millisecond, budgets: func(b bot.Budgets) bot.Budgets { cb.Budgets = b; return cb }})
	s.command("U0ALICE", "C0GENERAL", "/incident declare Budget cost")
	s.drain()
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	before, posts := cb.snapshot(), len(s.fake.Calls("chat.postMessage"))
	if _, err := s.svc.PostUpdate(context.Background(), inc.Number, "U0BOB", "Failover done", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	after := cb.snapshot()
	calls := len(s.fake.Calls("chat.postMessage")) - posts
	if calls != 2 { // the incident channel and the announcement's thread
		t.Fatalf("%d chat.postMessage calls, want 2", calls)
	}
	for name, want := range map[string]int{"CheckCall": calls, "TakeSlot": calls, "AdmitIntegration": 0, "BucketPause": 0} {
		if got := after[name] - before[name]; got != want {
			t.Errorf("%s: %d calls for %d Slack writes, want %d", name, got, calls, want)
		}
	}
}
