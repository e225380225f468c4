package sqlstore

import (
	"testing"
	"time"
)

// TestLeaseChecksCadence: a claim looks for lapsed leases at its first
// run, then once half a lease has passed, when the claims' clock goes
// back, and when a lease noted for its target ended; not otherwise.
func TestLeaseChecksCadence(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	var c leaseChecks
	lease := 8 * time.Second
	for i, s := range []struct {
		target string
		at     time.Duration
		want   bool
	}{
		{"console", 0, true},
		{"console", time.Second, false},
		{"slack", time.Second, true}, // each target looks on its own
		{"console", 3999 * time.Millisecond, false},
		{"console", 4 * time.Second, true},
		{"console", 2 * time.Second, true}, // the clock went back
		{"console", 3 * time.Second, false},
	} {
		if got := c.due(s.target, at(s.at), lease); got != s.want {
			t.Errorf("step %d: claim of %s at +%v looks: %v, want %v", i, s.target, s.at, got, s.want)
		}
	}
	c.lease("console", at(5*time.Second))
	c.lease("console", at(4*time.Second))
	c.lease("slack", at(5*time.Second))
	for i, s := range []struct {
		target string
		at     time.Duration
		want   bool
	}{
		{"console", 3500 * time.Millisecond, false},
		{"console", 4 * time.Second, true}, // a lease this store gave ended
		{"console", 4500 * time.Millisecond, false},
		{"console", 5 * time.Second, true},
		{"console", 5500 * time.Millisecond, false},
		{"", 5500 * time.Millisecond, true},  // first look over every target
		{"", 5600 * time.Millisecond, false}, // slack's ended lease was looked for
		{"slack", 5600 * time.Millisecond, true},
	} {
		if got := c.due(s.target, at(s.at), lease); got != s.want {
			t.Errorf("after leases noted, step %d: claim of %q at +%v looks: %v, want %v", i, s.target, s.at, got, s.want)
		}
	}
}
