package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

const crashChildEnv = "WARROOM_TEST_CRASH_DB"

// TestCrashKeepsAcknowledged kills a process (SIGKILL) while eight
// goroutines declare incidents through group commit, and checks that
// every declaration it acknowledged is in the database afterwards.
func TestCrashKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	const want = 300
	path := filepath.Join(t.TempDir(), "warroom.db")
	acked := runChild(t, "TestCrashChild", crashChildEnv, path, "acked ", want)
	if len(acked) < want {
		t.Fatalf("the child acknowledged %d declarations before it ended, want %d", len(acked), want)
	}

	s := open(t, path)
	ctx := context.Background()
	for _, n := range acked {
		if _, err := s.Incident(ctx, n); err != nil {
			t.Errorf("%s was acknowledged before the crash and is gone: %v", bot.FormatKey(n), err)
		}
	}
	recs, err := s.Audit(ctx, bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	declared := map[int64]bool{}
	for _, r := range recs {
		if r.Action == "declare" {
			declared[r.Incident] = true
		}
	}
	for _, n := range acked {
		if !declared[n] {
			t.Errorf("%s survived without its audit record", bot.FormatKey(n))
		}
	}
}

// runChild runs test childTest in a process of its own with env set to
// path, reads the numbers it prints after prefix until it printed want of
// them (0: until it ends), kills it (SIGKILL) and returns them.
func runChild(t *testing.T, childTest, env, path, prefix string, want int) []int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+childTest+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var got []int64
	sc := bufio.NewScanner(out)
	for (want == 0 || len(got) < want) && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return got
}

// TestCrashChild is the process TestCrashKeepsAcknowledged kills: it
// declares incidents from eight goroutines until it is killed, printing
// each number once Declare has returned.
func TestCrashChild(t *testing.T) {
	_, svc := childStore(t, crashChildEnv, "TestCrashKeepsAcknowledged", nil)
	ctx := context.Background()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "crash", Actor: "alice"})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return
				}
				mu.Lock()
				fmt.Printf("acked %d\n", inc.Number)
				mu.Unlock()
			}
		}()
	}
	wg.Wait() // until killed
}

// childStore opens the database a parent test named in env for a child
// process, with a service delivering to the console, or skips the test
// when it runs as itself (parent names the test that runs it).
func childStore(t *testing.T, env, parent string, h bot.Handoff) (*sqlite.Store, *bot.Service) {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skip("run by " + parent)
	}
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h != nil {
		s.SetHandoff(h)
	}
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, svc
}
