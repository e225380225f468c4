package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/internal/testkit"
)

// runWorker runs w until the test ends and checks that Run returned.
func runWorker(t *testing.T, w *outbox.Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
}

func TestHungTargetDoesNotHoldUpAnother(t *testing.T) {
	f := newFake()
	c := cfg()
	c.Poll = time.Hour // only a poke wakes a lane
	w := outbox.New(c, f, nil)
	release := make(chan struct{})
	hung := make(chan struct{}, 8)
	w.Handle("slack.post", func(context.Context, bot.Job) error {
		hung <- struct{}{}
		<-release
		return nil
	})
	paged := make(chan time.Time, 1)
	w.Handle("pagerduty.trigger", func(context.Context, bot.Job) error { paged <- time.Now(); return nil })
	runWorker(t, w)
	defer close(release) // before the worker stops (cleanups run after defers)

	f.mu.Lock()
	for i := range int64(8) {
		f.due = append(f.due, bot.Job{ID: i + 1, Kind: "slack.post"})
	}
	f.mu.Unlock()
	w.Poke()
	for range 8 {
		select {
		case <-hung:
		case <-time.After(10 * time.Second):
			t.Fatal("the slack lane did not start its jobs")
		}
	}
	// Slack's lane is full and hung; a page arrives.
	f.mu.Lock()
	f.due = append(f.due, bot.Job{ID: 100, Kind: "pagerduty.trigger"})
	f.mu.Unlock()
	start := time.Now()
	w.Poke()
	select {
	case at := <-paged:
		if d := at.Sub(start); d > 500*time.Millisecond {
			t.Errorf("the page went out %v after it was due, want well under 500ms", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a hung slack lane held up the page")
	}
}

func TestLaneClaimsAsSoonAsASlotFrees(t *testing.T) {
	f := newFake()
	c := cfg()
	c.Poll = time.Hour
	c.Concurrency = 2
	w := outbox.New(c, f, nil)
	slow := make(chan struct{})
	ran := make(chan int64, 4)
	w.Handle("jira.comment", func(_ context.Context, j bot.Job) error {
		if j.ID == 1 {
			<-slow // one slow ticket
		}
		ran <- j.ID
		return nil
	})
	runWorker(t, w)
	defer close(slow)
	f.mu.Lock()
	f.due = append(f.due, bot.Job{ID: 1, Kind: "jira.comment"}, bot.Job{ID: 2, Kind: "jira.comment"},
		bot.Job{ID: 3, Kind: "jira.comment"}, bot.Job{ID: 4, Kind: "jira.comment"})
	f.mu.Unlock()
	w.Poke()
	// Job 1 holds one slot; 2, 3 and 4 run one after another in the other.
	for _, want := range []int64{2, 3, 4} {
		select {
		case id := <-ran:
			if id != want {
				t.Fatalf("ran %d, want %d", id, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("job %d waited for the slow ticket", want)
		}
	}
}

func TestWaitsOfALaneWakeOneAtATime(t *testing.T) {
	var jobs []bot.Job
	for i := range int64(5) {
		jobs = append(jobs, bot.Job{ID: i + 1, Kind: "slack.announce"})
	}
	f := newFake(jobs...)
	c := cfg()
	c.WaitStep = 100 * time.Millisecond
	w := outbox.New(c, f, nil)
	w.Handle("slack.announce", func(context.Context, bot.Job) error {
		return bot.Wait(errors.New("channel is paced"), time.Second)
	})
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[time.Duration]bool{}
	for id := range int64(5) {
		d := f.waited[id+1].Sub(t0)
		if d < time.Second || d > time.Second+400*time.Millisecond || seen[d] {
			t.Errorf("job %d waits %v: want distinct waits from 1s, 100ms apart", id+1, d)
		}
		seen[d] = true
	}
	if c := w.Counters(); c.Waited != 5 || c.Retried != 0 {
		t.Errorf("counters %+v: want 5 waits and no retries", c)
	}
}

// A lane claims again after a delivery only when a job of the delivered
// job's order key waits behind it: delivering jobs with none behind them
// costs one claim per poke, not also one per delivery that finds nothing.
func TestLaneClaimsAfterADeliveryOnlyForAJobBehindIt(t *testing.T) {
	f := newFake()
	c := cfg()
	c.Poll = time.Hour // only a poke, or a job behind a delivered one, makes it claim
	w := outbox.New(c, f, nil)
	var order []int64
	var mu sync.Mutex
	w.Handle("console.post", func(_ context.Context, j bot.Job) error {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, j.ID)
		return nil
	})
	f.due = append(f.due, bot.Job{ID: 1, Kind: "console.post"}) // Run's first claim takes it
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	delivered := func(n uint64) {
		t.Helper()
		testkit.Eventually(t, fmt.Sprintf("%d deliveries", n), func() bool { return w.Counters().Delivered >= n })
	}
	delivered(1)
	// Two jobs of one order key and one of none: the second of the key
	// is claimed after the first is delivered, with no poke.
	f.mu.Lock()
	f.due = append(f.due, bot.Job{ID: 2, Kind: "console.post", OrderKey: "console:INC-1"},
		bot.Job{ID: 3, Kind: "console.post", OrderKey: "console:INC-1"}, bot.Job{ID: 4, Kind: "console.post"})
	f.mu.Unlock()
	w.Poke()
	delivered(4)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if i2, i3 := slices.Index(order, 2), slices.Index(order, 3); i2 < 0 || i3 < i2 {
		t.Errorf("delivered in the order %v: want 3 after 2", order)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// Run's first claim, the poke's, and one after job 2's delivery (job
	// 3 waited behind it); none after the others.
	if f.claims != 3 {
		t.Errorf("%d claims, want 3: one at start, one for the poke, one for the job behind job 2", f.claims)
	}
}
