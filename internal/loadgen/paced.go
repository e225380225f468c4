package loadgen

import (
	"slices"
	"sync"
	"time"
)

// Paced runs an open loop in process: call i of n runs in its own
// goroutine, due at start + i/rate, and its latency is measured from that
// due time, so a late start (a stalled machine, a busy dispatcher) counts.
// It returns the latencies of the calls that returned nil, sorted, and how
// many failed. In-process latency benchmarks pace with it; a ticker would
// drop the ticks it falls behind on and time from the actual send.
func Paced(rate float64, n int, call func(i int) error) (lat []time.Duration, failed int) {
	interval := time.Duration(float64(time.Second) / rate)
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	lat = make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait) // pacing the arrival rate, not synchronising
		}
		wg.Go(func() {
			err := call(i)
			d := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			lat = append(lat, d)
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat, failed
}
