package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

const crashHandoffEnv = "WARROOM_TEST_CRASH_HANDOFF_DB"

// crashHandoffJobs is how many handed jobs TestCrashHandoffChild waits
// for before it kills itself.
const crashHandoffJobs = 30

// TestCrashAfterHandoffRedelivers runs a process that declares incidents
// from four goroutines with a worker that takes every job as it is
// enqueued (written claimed in the declaration's commit, attempt 1) and
// kills itself (SIGKILL) once 30 jobs were handed over, before any is
// delivered. Every handed job must survive, claimed by nobody while its
// lease holds, and be claimed once after it (attempt 2).
func TestCrashAfterHandoffRedelivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "warroom.db")
	handed := runChild(t, "TestCrashHandoffChild", crashHandoffEnv, path, "handed ", 0)
	if len(handed) < crashHandoffJobs {
		t.Fatalf("the child handed over %d jobs before it ended, want %d", len(handed), crashHandoffJobs)
	}
	s := open(t, path)
	ctx := context.Background()
	if jobs, err := s.Claim(ctx, "other", "", time.Now(), time.Minute, 10000); err != nil || len(jobs) != 0 {
		t.Fatalf("within the dead worker's lease another claimed %d jobs (%v), want none", len(jobs), err)
	}
	jobs, err := s.Claim(ctx, "other", "", time.Now().Add(2*time.Minute), time.Minute, 10000)
	if err != nil {
		t.Fatal(err)
	}
	back := map[int64]int{}
	for _, j := range jobs {
		back[j.ID]++
		if j.Attempts != 2 {
			t.Errorf("job %d claimed after the crash at attempt %d, want 2 (the first was its handover)", j.ID, j.Attempts)
		}
	}
	for _, id := range handed {
		if back[id] != 1 {
			t.Errorf("job %d was handed over before the kill and claimed %d times after it, want once", id, back[id])
		}
	}
	t.Logf("%d jobs handed over before the kill, %d jobs live after it", len(handed), len(jobs))
}

// killingHandoff reserves every job for worker "dead" with a one-minute
// lease, prints each job handed over, and kills the process once it has
// handed over crashHandoffJobs.
type killingHandoff struct {
	mu     sync.Mutex
	handed int
}

func (h *killingHandoff) Reserve(*bot.Job) (string, time.Time, bool) {
	return "dead", time.Now().Add(time.Minute), true
}

func (h *killingHandoff) Deliver(jobs []bot.Job) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, j := range jobs {
		fmt.Printf("handed %d\n", j.ID)
		if h.handed++; h.handed == crashHandoffJobs {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
}

func (h *killingHandoff) Unreserve(string) {}

// TestCrashHandoffChild is the process TestCrashAfterHandoffRedelivers
// kills.
func TestCrashHandoffChild(t *testing.T) {
	_, svc := childStore(t, crashHandoffEnv, "TestCrashAfterHandoffRedelivers", &killingHandoff{})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "crash", Actor: "alice"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
