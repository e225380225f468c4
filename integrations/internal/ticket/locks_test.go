package ticket_test

import (
	"sync"
	"testing"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// One incident's work never overlaps, whatever goroutines ask for it.
func TestLocksSerialiseAnIncident(t *testing.T) {
	var (
		l       ticket.Locks
		wg      sync.WaitGroup
		mu      sync.Mutex
		inside  int
		overlap bool
	)
	for range 8 {
		wg.Go(func() {
			for range 100 {
				unlock := l.Lock(42)
				mu.Lock()
				inside++
				overlap = overlap || inside > 1
				mu.Unlock()
				mu.Lock()
				inside--
				mu.Unlock()
				unlock()
			}
		})
	}
	wg.Wait()
	if overlap {
		t.Fatal("two goroutines held incident 42's lock at once")
	}
	// another incident (another stripe) is not blocked by a held one
	unlock := l.Lock(42)
	l.Lock(43)()
	unlock()
}
