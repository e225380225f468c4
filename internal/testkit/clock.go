package testkit

import (
	"sync"
	"time"
)

// Start is the tests' usual "now": 22 November 2026, 12:00 UTC.
var Start = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Clock is a clock the test moves by hand, for code that takes an injected
// now func() time.Time; Now is safe to call from other goroutines (HTTP
// handlers, outbox handlers).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// At returns the clock's time moved by d, leaving the clock where it is.
func (c *Clock) At(d time.Duration) time.Time { return c.Now().Add(d) }

// Set moves the clock to t and returns it.
func (c *Clock) Set(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	return t
}
