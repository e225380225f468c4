package testkit

import (
	"testing"
	"time"
)

// Deadline is how long Eventually waits before it fails the test. It
// bounds a failure, never a success (Eventually returns as soon as the
// state is reached), so it is set for a two-core machine running the whole
// suite under the race detector, where 15 s was once too short for a
// rate-limited burst of 100 announced updates.
const Deadline = 60 * time.Second

// pollInterval is how often Eventually asks again.
const pollInterval = 10 * time.Millisecond

// Eventually polls cond until it holds, and fails the test when it still
// does not after Deadline; what names the awaited state in the failure.
// It is for state another goroutine or process reaches (a server up, a
// socket reconnected); the test's own clock and outbox are driven
// directly instead.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !poll(Deadline, cond) {
		t.Fatalf("timed out after %v waiting for %s", Deadline, what)
	}
}

// poll asks cond every pollInterval until it holds or d has passed, and
// reports whether it held.
func poll(d time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
	return true
}
