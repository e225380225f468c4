package webhook

import (
	"sync"
	"time"
)

// logEvery is how often a refusal of one source for one reason is logged
// at ERROR; in between, refusals are counted and the next line says how
// many were not logged. A misconfigured sender retrying fast, or a scanner,
// must not flood the log.
const logEvery = 10 * time.Second

// throttle decides which refusals are logged.
type throttle struct {
	now  func() time.Time
	mu   sync.Mutex
	last map[string]time.Time
	held map[string]int
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, last: map[string]time.Time{}, held: map[string]int{}}
}

// allow reports whether to log a refusal for key now, and how many were
// held back since the last logged one.
func (t *throttle) allow(key string) (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if last, ok := t.last[key]; ok && now.Sub(last) < logEvery {
		t.held[key]++
		return false, 0
	}
	if len(t.last) > 1000 {
		clear(t.last)
		clear(t.held)
	}
	t.last[key] = now
	n := t.held[key]
	delete(t.held, key)
	return true, n
}
