// Package tickettest holds the test helpers the ticket integrations' end
// to end tests share. The clock, the log sink and the outbox drain are
// internal/testkit's, under the names these tests have always used.
//
// It may import bot, bot/*, internal/* (internal/testkit included) and the
// standard library (testing included); only tests import it.
package tickettest

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

// Clock is a clock the test moves by hand (testkit.Clock).
type Clock = testkit.Clock

// NewClock starts a clock at start.
func NewClock(start time.Time) *Clock { return testkit.NewClock(start) }

// LogBuffer is a log sink safe for concurrent handlers.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Worker is the outbox worker a test runs by hand (engine/outbox's).
type Worker interface {
	// RunOnce claims one batch of due jobs, delivers them and returns how
	// many it claimed.
	RunOnce(ctx context.Context) (int, error)
}

// Drain runs w until no job is due now; it returns the number of
// deliveries, and fails the test if the outbox does not settle.
func Drain(t testing.TB, ctx context.Context, w Worker) int {
	t.Helper()
	total := 0
	for range 100 {
		n, err := w.RunOnce(ctx)
		if err != nil {
			t.Fatalf("run outbox: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	t.Fatal("outbox never drained")
	return total
}

// Must returns a function that unwraps a (value, error) pair, failing the
// test on the error: Must[*bot.Incident](t)(svc.Ack(...)).
func Must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
