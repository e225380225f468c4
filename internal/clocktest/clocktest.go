// Package clocktest is a clock that tests move by hand, for code that takes
// an injected now func() time.Time. It imports the standard library only.
package clocktest

import (
	"sync"
	"time"
)

// Clock is a clock the test moves by hand; Now is safe to call from other
// goroutines (HTTP handlers, outbox handlers).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New starts a clock at start.
func New(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
