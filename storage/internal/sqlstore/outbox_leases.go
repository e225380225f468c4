package sqlstore

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// leaseChecks says when a claim of a target ("" every target) should also
// look for handed jobs whose lease ran out. A job written claimed in its
// command's commit (handoff.go) has no entry in SQLite's outbox_due
// (schema 46), so such a look reads the outbox table, as a lease renewal
// does. A claim looks at its first run, when half a lease has passed since
// it last looked (by the claims' own clock: a lease a process that died
// gave is found within half a lease of its end), and once a lease this
// process gave or renewed for a job of the target has ended (its own
// stalled worker's jobs are found as soon as they lapse).
type leaseChecks struct {
	mu   sync.Mutex
	last map[string]time.Time   // by claim target, "" for every target
	ends map[string][]time.Time // by job target: the soonest lease ends noted, ascending
}

// keptEnds is how many lease ends are noted per target; a later one is
// left to the half-lease looks.
const keptEnds = 8

// due reports whether a claim of target at now should look for lapsed
// leases, and if so notes the look.
func (c *leaseChecks) due(target string, now time.Time, lease time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ended := false
	for t, ends := range c.ends {
		if target != "" && t != target {
			continue
		}
		n := 0
		for n < len(ends) && !ends[n].After(now) {
			n++
		}
		if n > 0 {
			ended = true
			c.ends[t] = ends[n:]
		}
	}
	last, seen := c.last[target]
	if !ended && seen && now.Sub(last) < lease/2 && !now.Before(last) {
		return false
	}
	if c.last == nil {
		c.last = map[string]time.Time{}
	}
	c.last[target] = now
	return true
}

// lease notes that a job of target is leased until end.
func (c *leaseChecks) lease(target string, end time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ends == nil {
		c.ends = map[string][]time.Time{}
	}
	ends := c.ends[target]
	i := sort.Search(len(ends), func(i int) bool { return !ends[i].Before(end) })
	if i == keptEnds || (i < len(ends) && ends[i].Equal(end)) {
		return
	}
	ends = slices.Insert(ends, i, end)
	c.ends[target] = ends[:min(len(ends), keptEnds)]
}

// forget makes the next claim of target look again: its look failed, or
// took as many jobs as it could and may have left some.
func (c *leaseChecks) forget(target string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.last, target)
}
