package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

const crashOutboxEnv = "WARROOM_TEST_CRASH_OUTBOX_DB"

// TestCrashAfterCompletionPostsOnce runs a process that declares
// incidents and delivers their jobs as the outbox worker does (claim, post
// and store the message "job:<id>", complete) and kills itself (SIGKILL)
// as soon as its last Complete returned. A completion is answered before
// its commit, which it shares with the next calls (or the one after
// holdFor), so the kill loses it: the job must come back with its message
// stored, for the deliverer to find it instead of posting again.
func TestCrashAfterCompletionPostsOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "warroom.db")
	completed := map[int64]bool{}
	for _, id := range runChild(t, "TestCrashOutboxChild", crashOutboxEnv, path, "completed ", 0) {
		completed[id] = true
	}
	if len(completed) < crashOutboxJobs {
		t.Fatalf("the child completed %d jobs before it ended, want %d", len(completed), crashOutboxJobs)
	}

	s := open(t, path)
	ctx := context.Background()
	jobs, err := s.Claim(ctx, "after", "", time.Now().Add(time.Hour), time.Minute, 10000)
	if err != nil {
		t.Fatal(err)
	}
	again := 0
	for _, j := range jobs {
		m, err := s.MessageByRef(ctx, "console", fmt.Sprintf("job:%d", j.ID))
		switch {
		case completed[j.ID] && (err != nil || m == nil):
			t.Errorf("job %d was completed, comes back after the crash, and its message is gone (%v): it would post twice", j.ID, err)
		case completed[j.ID]:
			again++
		}
	}
	t.Logf("%d jobs completed before the kill, %d of them back after it (their completion lost)", len(completed), again)
	if len(jobs) != again {
		t.Errorf("%d live jobs after the crash, want the %d completed ones whose completion was lost", len(jobs), again)
	}
	var stored int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM messages`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored < len(completed) {
		t.Errorf("%d messages stored, fewer than the %d jobs completed", stored, len(completed))
	}
}

// crashOutboxJobs is how many jobs TestCrashOutboxChild completes.
const crashOutboxJobs = 40

// TestCrashOutboxChild is the process TestCrashAfterCompletionPostsOnce
// runs: it declares an incident and delivers its job, printing the job's
// id once Complete has returned, and kills itself after the last.
func TestCrashOutboxChild(t *testing.T) {
	s, svc := childStore(t, crashOutboxEnv, "TestCrashAfterCompletionPostsOnce", nil)
	ctx := context.Background()
	for done := 0; ; {
		if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "crash", Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.Claim(ctx, "w", "", time.Now(), time.Minute, 4)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			now := time.Now().UTC()
			m := &bot.PostedMessage{Platform: "console", Channel: "incidents", Ref: fmt.Sprintf("job:%d", j.ID),
				Incident: j.Incident, Body: []byte("posted"), CreatedAt: now, UpdatedAt: now}
			if err := svc.SaveMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			if err := s.Complete(ctx, j.ID, "w"); err != nil {
				t.Fatal(err)
			}
			if done++; done == crashOutboxJobs {
				fmt.Printf("completed %d\n", j.ID)
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			fmt.Printf("completed %d\n", j.ID)
		}
	}
}
