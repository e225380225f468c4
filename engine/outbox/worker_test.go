package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
)

// fakeOutbox records what the worker does with the jobs it hands out.
type fakeOutbox struct {
	mu       sync.Mutex
	due      []bot.Job
	done     []int64
	retried  map[int64]time.Time
	waited   map[int64]time.Time
	errs     map[int64]string
	buried   map[int64]string
	released []string
	refuse   bool // Complete/Retry/Bury fail as if the lease was lost
	claims   int  // Claim calls
	// running are the claimed jobs not completed, by id: a due job
	// behind one of its order key is not claimed, as in the stores.
	running map[int64]bot.Job
}

func newFake(jobs ...bot.Job) *fakeOutbox {
	return &fakeOutbox{due: jobs, retried: map[int64]time.Time{}, waited: map[int64]time.Time{},
		errs: map[int64]string{}, buried: map[int64]string{}}
}

func (f *fakeOutbox) Claim(_ context.Context, _, target string, _ time.Time, _ time.Duration, limit int) ([]bot.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.claims++
	if f.running == nil {
		f.running = map[int64]bot.Job{}
	}
	var out, rest []bot.Job
	for i, j := range f.due {
		if len(out) < limit && (target == "" || j.Kind.Target() == target) && !f.behind(j, f.due[:i]) {
			j.Attempts++
			out = append(out, j)
			f.running[j.ID] = j
		} else {
			rest = append(rest, j)
		}
	}
	f.due = rest
	return out, nil
}

// behind says an older job of j's order key is running or among older.
func (f *fakeOutbox) behind(j bot.Job, older []bot.Job) bool {
	if j.OrderKey == "" {
		return false
	}
	for _, o := range older {
		if o.OrderKey == j.OrderKey {
			return true
		}
	}
	for _, r := range f.running {
		if r.OrderKey == j.OrderKey {
			return true
		}
	}
	return false
}

// CompleteHead completes id and says whether a job of its order key is due.
func (f *fakeOutbox) CompleteHead(ctx context.Context, id int64, owner string) (bool, error) {
	f.mu.Lock()
	j := f.running[id]
	f.mu.Unlock()
	if err := f.Complete(ctx, id, owner); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return j.OrderKey != "" && f.behind(j, f.due), nil
}

func (f *fakeOutbox) lost() error {
	if f.refuse {
		return errors.New("lease lost")
	}
	return nil
}

func (f *fakeOutbox) Complete(_ context.Context, id int64, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.lost(); err != nil {
		return err
	}
	f.done = append(f.done, id)
	delete(f.running, id)
	return nil
}

func (f *fakeOutbox) Wait(_ context.Context, id int64, _ string, next time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.lost(); err != nil {
		return err
	}
	f.waited[id] = next
	delete(f.running, id)
	return nil
}

func (f *fakeOutbox) Renew(context.Context, string, time.Time) (int, error) { return 0, nil }

func (f *fakeOutbox) Retry(_ context.Context, id int64, _ string, _, next time.Time, e string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.lost(); err != nil {
		return err
	}
	f.retried[id], f.errs[id] = next, e
	delete(f.running, id)
	return nil
}

func (f *fakeOutbox) Bury(_ context.Context, id int64, _ string, e string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.lost(); err != nil {
		return err
	}
	f.buried[id] = e
	delete(f.running, id)
	return nil
}

func (f *fakeOutbox) Release(_ context.Context, owner string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = append(f.released, owner)
	return nil
}

func (f *fakeOutbox) OutboxStats(context.Context, time.Time) (bot.OutboxStats, error) {
	return bot.OutboxStats{}, nil
}

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func cfg() outbox.Config {
	return outbox.Config{
		Owner: "w1", Now: func() time.Time { return t0 }, MaxFailures: 3, MaxFailureAge: time.Hour,
		BaseDelay: time.Second, MaxDelay: time.Minute,
		Jitter: func(d time.Duration) time.Duration { return d }, // no jitter: exact delays
	}
}

func TestOutcomes(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		failures  int       // failures before this claim
		first     time.Time // the first failure
		err       error
		wantDone  bool
		wantRetry time.Duration // 0: not retried
		wantDead  string
		wantWait  time.Duration // 0: not told to wait
	}{
		{name: "success completes", wantDone: true},
		{name: "first failure backs off the base delay", err: boom, wantRetry: time.Second},
		{name: "second failure doubles", failures: 1, first: t0, err: boom, wantRetry: 2 * time.Second},
		{name: "retry-after hint wins over backoff", err: bot.RetryAfter(boom, 42*time.Second), wantRetry: 42 * time.Second},
		{name: "retry-after hint is capped", err: bot.RetryAfter(boom, time.Hour), wantRetry: time.Minute},
		{name: "permanent dead-letters at once", err: bot.Permanent(boom), wantDead: "boom"},
		{name: "spent budget dead-letters with the error kept", failures: 2, first: t0.Add(-time.Hour), err: fmt.Errorf("post: %w", boom), wantDead: "post: boom"},
		{name: "enough failures but not for long enough retries", failures: 2, first: t0.Add(-59 * time.Minute), err: boom, wantRetry: 4 * time.Second},
		{name: "long enough but not enough failures retries", failures: 1, first: t0.Add(-48 * time.Hour), err: boom, wantRetry: 2 * time.Second},
		{name: "a wait is not a failure, however many", failures: 2, first: t0.Add(-48 * time.Hour), err: bot.Wait(boom, 5*time.Second), wantWait: 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(bot.Job{ID: 7, Kind: "console.card", Failures: tt.failures, FirstFailedAt: tt.first})
			w := outbox.New(cfg(), f, nil)
			w.Handle("console.card", func(context.Context, bot.Job) error { return tt.err })
			n, err := w.RunOnce(context.Background())
			if err != nil || n != 1 {
				t.Fatalf("RunOnce = %d, %v", n, err)
			}
			if got := len(f.done) == 1; got != tt.wantDone {
				t.Errorf("done = %v, want %v", f.done, tt.wantDone)
			}
			next, retried := f.retried[7]
			if tt.wantRetry == 0 && retried {
				t.Errorf("retried at %v, want no retry", next)
			}
			if tt.wantRetry != 0 && next.Sub(t0) != tt.wantRetry {
				t.Errorf("retry after %v, want %v", next.Sub(t0), tt.wantRetry)
			}
			if at, waited := f.waited[7]; waited != (tt.wantWait != 0) || (waited && at.Sub(t0) != tt.wantWait) {
				t.Errorf("waited until %v (%v), want a wait of %v", at, waited, tt.wantWait)
			}
			if f.buried[7] != tt.wantDead {
				t.Errorf("dead-letter error = %q, want %q", f.buried[7], tt.wantDead)
			}
		})
	}
}

func TestUnknownKindIsDeadLettered(t *testing.T) {
	f := newFake(bot.Job{ID: 1, Kind: "nowhere.post"})
	w := outbox.New(cfg(), f, nil)
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.buried[1] == "" {
		t.Fatal("a job with no handler must be dead-lettered, not retried forever")
	}
}

func TestPanickingHandlerIsRetried(t *testing.T) {
	f := newFake(bot.Job{ID: 1, Kind: "x"}, bot.Job{ID: 2, Kind: "y"})
	w := outbox.New(cfg(), f, nil)
	w.Handle("x", func(context.Context, bot.Job) error { panic("bad") })
	w.Handle("y", func(context.Context, bot.Job) error { return nil })
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.retried[1]; !ok {
		t.Error("panicking job was not retried")
	}
	if len(f.done) != 1 || f.done[0] != 2 {
		t.Errorf("done = %v, want [2]: one bad job must not stop the others", f.done)
	}
}

func TestBackoffIsCapped(t *testing.T) {
	f := newFake(bot.Job{ID: 1, Kind: "x", Failures: 40, FirstFailedAt: t0})
	c := cfg()
	c.MaxFailures = 100
	w := outbox.New(c, f, nil)
	w.Handle("x", func(context.Context, bot.Job) error { return errors.New("down") })
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := f.retried[1].Sub(t0); got != time.Minute {
		t.Errorf("delay after 41 failures = %v, want the 1m cap", got)
	}
}

func TestDefaultJitterStaysWithinHalfToFull(t *testing.T) {
	c := cfg()
	c.Jitter = nil
	c.MaxFailures = 100
	for i := 0; i < 50; i++ {
		f := newFake(bot.Job{ID: 1, Kind: "x", Failures: 3}) // 4th failure: 8s before jitter
		w := outbox.New(c, f, nil)
		w.Handle("x", func(context.Context, bot.Job) error { return errors.New("down") })
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := f.retried[1].Sub(t0); d < 4*time.Second || d > 8*time.Second {
			t.Fatalf("jittered delay %v outside [4s, 8s]", d)
		}
	}
}

func TestLostLeaseIsCounted(t *testing.T) {
	f := newFake(bot.Job{ID: 1, Kind: "x"})
	f.refuse = true
	w := outbox.New(cfg(), f, nil)
	w.Handle("x", func(context.Context, bot.Job) error { return nil })
	if _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := w.Counters(); c.LostLeases != 1 || c.Delivered != 0 {
		t.Errorf("counters = %+v, want one lost lease and nothing counted delivered", c)
	}
}

func TestRunDeliversOnPokeAndReleasesOnStop(t *testing.T) {
	f := newFake()
	c := cfg()
	c.Poll = time.Hour // only a poke can wake it
	w := outbox.New(c, f, nil)
	got := make(chan int64, 1)
	w.Handle("x", func(_ context.Context, j bot.Job) error { got <- j.ID; return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	f.mu.Lock()
	f.due = append(f.due, bot.Job{ID: 9, Kind: "x"})
	f.mu.Unlock()
	w.Poke()
	select {
	case id := <-got:
		if id != 9 {
			t.Fatalf("delivered %d, want 9", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a poke did not wake the worker")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if len(f.released) != 1 || f.released[0] != "w1" {
		t.Errorf("released = %v, want the worker's leases released once", f.released)
	}
}

func TestDeliveryCutOffByShutdownIsHandedBack(t *testing.T) {
	f := newFake(bot.Job{ID: 1, Kind: "x"})
	w := outbox.New(cfg(), f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	w.Handle("x", func(hctx context.Context, _ bot.Job) error {
		cancel() // shutdown arrives mid-delivery
		<-hctx.Done()
		return hctx.Err()
	})
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.retried)+len(f.buried)+len(f.done) != 0 {
		t.Errorf("a cut-off delivery was recorded as an outcome: retried %v buried %v done %v", f.retried, f.buried, f.done)
	}
}

// The failpoint drops a handled job's outcome, as a kill -9 would: nothing
// is recorded, so the job stays leased for the next worker to take over
// when the lease ends (the store's part, tested with the stores).
func TestFailpointRecordsNoOutcome(t *testing.T) {
	for _, herr := range []error{nil, errors.New("boom"), bot.Permanent(errors.New("bad"))} {
		f := newFake(bot.Job{ID: 1, Kind: "k"})
		c := cfg()
		var seen []error
		c.Failpoint = func(j bot.Job, err error) bool { seen = append(seen, err); return true }
		w := outbox.New(c, f, nil)
		w.Handle("k", func(context.Context, bot.Job) error { return herr })
		if n, err := w.RunOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if len(f.done)+len(f.retried)+len(f.buried) != 0 || len(seen) != 1 || !errors.Is(seen[0], herr) {
			t.Fatalf("handler error %v: done %v, retried %v, buried %v, failpoint saw %v", herr, f.done, f.retried, f.buried, seen)
		}
	}
}
