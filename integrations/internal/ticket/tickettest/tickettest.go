// Package tickettest holds the test helpers the ticket integrations' end
// to end tests share. The clock, the log sink and the outbox drain are
// internal/testkit's, under the names these tests have always used.
//
// It may import bot, bot/*, internal/* (internal/testkit included) and the
// standard library (testing included); only tests import it.
package tickettest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

// Clock is a clock the test moves by hand (testkit.Clock).
type Clock = testkit.Clock

// NewClock starts a clock at start.
func NewClock(start time.Time) *Clock { return testkit.NewClock(start) }

// LogBuffer is a log sink safe for concurrent handlers (testkit.Buffer).
type LogBuffer = testkit.Buffer

// Drain runs w until no job is due now; it returns the number of
// deliveries, and fails the test if the outbox does not settle
// (testkit.Drain).
func Drain(t testing.TB, ctx context.Context, w testkit.Worker) int {
	t.Helper()
	return testkit.Drain(t, ctx, w)
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
