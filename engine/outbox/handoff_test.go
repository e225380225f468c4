package outbox_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

// claimLog is a store whose claims are recorded.
type claimLog struct {
	*sqlite.Store
	mu      sync.Mutex
	claimed map[int64]int // job id → claims that returned it
}

func (c *claimLog) Claim(ctx context.Context, owner, target string, now time.Time, lease time.Duration, limit int) ([]bot.Job, error) {
	jobs, err := c.Store.Claim(ctx, owner, target, now, lease, limit)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range jobs {
		c.claimed[j.ID]++
	}
	return jobs, err
}

func (c *claimLog) claims(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed[id]
}

// handoffWorker runs a worker of one slot per lane over a SQLite store
// that hands it jobs as they are enqueued; handler runs each job.
func handoffWorker(t *testing.T, handler bot.Handler) (*claimLog, *outbox.Worker) {
	st := &claimLog{Store: testkit.OpenStore(t, filepath.Join(t.TempDir(), "w.db"), nil), claimed: map[int64]int{}}
	c := cfg()
	c.Now, c.Concurrency, c.Poll = time.Now, 1, time.Hour // only a poke or a delivery makes a lane claim
	w := outbox.New(c, st, nil)
	w.Handle("console.post", handler)
	st.SetHandoff(w)
	runWorker(t, w)
	return st, w
}

func enqueueJob(t *testing.T, st bot.Store, orderKey string) *bot.Job {
	t.Helper()
	ctx := context.Background()
	j := &bot.Job{Kind: "console.post", OrderKey: orderKey, NextAt: time.Now(), CreatedAt: time.Now()}
	if err := st.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	return j
}

// A job enqueued while its lane has a slot free is delivered without a
// claim: written claimed by the worker (attempt 1) in its commit.
func TestHandedJobNeedsNoClaim(t *testing.T) {
	ran := make(chan bot.Job, 1)
	st, w := handoffWorker(t, func(_ context.Context, j bot.Job) error { ran <- j; return nil })
	waitLaneOpen(t, w)
	j := enqueueJob(t, st, "console:INC-1")
	select {
	case got := <-ran:
		if got.ID != j.ID || got.Attempts != 1 || got.LeaseOwner != w.Owner() {
			t.Errorf("delivered %+v; want job %d, attempt 1, leased to %s", got, j.ID, w.Owner())
		}
	case <-time.After(testkit.Deadline):
		t.Fatal("the handed job was not delivered")
	}
	if n := st.claims(j.ID); n != 0 {
		t.Errorf("the job was claimed %d times, want none: it was written claimed", n)
	}
	testkit.Eventually(t, "the handed job completed", func() bool {
		live, err := st.LiveJobs(context.Background(), 0)
		return err == nil && len(live) == 0
	})
}

// A job enqueued while its lane has no slot free is written pending and
// claimed when the slot frees; one behind a running job of its order key
// waits for it. Order holds.
func TestHandoffWhenBusyOrBehind(t *testing.T) {
	release := make(chan struct{})
	var (
		mu    sync.Mutex
		order []int64
	)
	st, w := handoffWorker(t, func(_ context.Context, j bot.Job) error {
		<-release
		mu.Lock()
		order = append(order, j.ID)
		mu.Unlock()
		return nil
	})
	waitLaneOpen(t, w)
	first := enqueueJob(t, st, "console:INC-1")  // handed: takes the one slot
	behind := enqueueJob(t, st, "console:INC-1") // behind it, and no slot
	other := enqueueJob(t, st, "console:INC-2")  // no slot
	for _, j := range []*bot.Job{behind, other} {
		if j.Status != bot.JobPending {
			t.Errorf("job %d written %s, want pending", j.ID, j.Status)
		}
	}
	close(release)
	testkit.Eventually(t, "all three delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order) == 3
	})
	mu.Lock()
	defer mu.Unlock()
	pos := map[int64]int{}
	for i, id := range order {
		pos[id] = i
	}
	if pos[first.ID] > pos[behind.ID] {
		t.Errorf("delivered %v: job %d ran before the older job %d of its order key", order, behind.ID, first.ID)
	}
	if st.claims(first.ID) != 0 || st.claims(behind.ID) != 1 || st.claims(other.ID) != 1 {
		t.Errorf("claims of jobs %d, %d, %d = %d, %d, %d; want 0, 1, 1", first.ID, behind.ID, other.ID,
			st.claims(first.ID), st.claims(behind.ID), st.claims(other.ID))
	}
}

// waitLaneOpen waits until w's lane of console.post jobs runs with
// every slot free.
func waitLaneOpen(t *testing.T, w *outbox.Worker) {
	t.Helper()
	testkit.Eventually(t, "the lane opened", func() bool { return outbox.LaneIdle(w, "console") })
}
