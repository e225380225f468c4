package discord_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// openLoopRate is the sustained arrival rate of BenchmarkOpenLoop.
const openLoopRate = 1000 // interactions per second

// BenchmarkOpenLoop sends b.N signed interactions (/incident show INC-1)
// to POST /discord/interactions through the shipped handler at a fixed
// arrival rate of 1,000/s, each at its intended time whatever the answers
// before it took (open loop), and measures each latency from its intended
// send time, so a stall counts against every request it delays. The same
// schedule is then sent to a bare handler (read the body, answer PONG) on
// the same machine; the ratios of the two are what holds on a shared
// machine. Run it with -benchtime 5000x (5 s of load).
func BenchmarkOpenLoop(b *testing.B) {
	s := newStack(b, options{})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Open loop"})
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i], _ = json.Marshal(map[string]any{"id": strconv.Itoa(900000000 + i), "application_id": appID, "type": 2, "token": "t",
			"channel_id": parentID, "member": map[string]any{"user": map[string]any{"id": alice}},
			"data": map[string]any{"id": "1", "name": "incident", "type": 1, "options": []map[string]any{{"name": "show", "type": 1,
				"options": []map[string]any{{"name": "incident", "type": 3, "value": "INC-1"}}}}}})
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"type":1}`))
	})
	b.ResetTimer()
	cpu0 := cpuTime()
	lat, late, elapsed := openLoop(b, s.handler, bodies)
	cpu1 := cpuTime()
	b.StopTimer()
	base, baseLate, _ := openLoop(b, bare, bodies)
	cpu2 := cpuTime()
	// CPU per interaction, the harness's share included: what the load
	// on the machine does not change.
	b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64((cpu2-cpu1).Microseconds())/float64(b.N), "bare-cpu-µs/op")
	p50, p99 := percentile(lat, 50), percentile(lat, 99)
	b50, b99 := percentile(base, 50), percentile(base, 99)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "done/s")
	b.ReportMetric(ms(b99), "bare-p99-ms")
	// How late the sender itself sent (a request's goroutine started after
	// its intended time): the part of a latency the handler had no hand in.
	b.ReportMetric(ms(percentile(late, 99)), "send-p99-ms")
	b.ReportMetric(ms(percentile(baseLate, 99)), "bare-send-p99-ms")
	b.ReportMetric(float64(p50)/float64(max(b50, time.Microsecond)), "p50-ratio")
	b.ReportMetric(float64(p99)/float64(max(b99, time.Microsecond)), "p99-ratio")
	b.ReportMetric(0, "ns/op") // the figures above are the result
}

// openLoop sends bodies to h at openLoopRate, each from its own goroutine
// at its intended time, and returns the latencies from the intended times
// and how late each request's goroutine started, both sorted, and how long
// the whole run took.
func openLoop(b *testing.B, h http.Handler, bodies [][]byte) (lat, late []time.Duration, elapsed time.Duration) {
	interval := time.Second / openLoopRate
	lat = make([]time.Duration, len(bodies))
	late = make([]time.Duration, len(bodies))
	var wg sync.WaitGroup
	reqs := make([]*http.Request, len(bodies)) // signed beforehand, as Discord signs them
	now := time.Now()
	for i, body := range bodies {
		reqs[i] = signed(body, now)
	}
	// The schedule starts once every request is signed, and the signing's
	// garbage collected: a schedule started before would send the requests
	// whose times passed during the signing at once, late, and count the
	// signing against them.
	runtime.GC()
	start := time.Now().Add(100 * time.Millisecond)
	for i, r := range reqs {
		intended := start.Add(time.Duration(i) * interval)
		if d := time.Until(intended); d > 0 {
			time.Sleep(d) // the arrival schedule, not synchronisation
		}
		wg.Go(func() {
			late[i] = time.Since(intended)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			lat[i] = time.Since(intended)
			if w.Code != http.StatusOK {
				b.Errorf("status %d: %s", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	elapsed = time.Since(start)
	slices.Sort(lat)
	slices.Sort(late)
	return lat, late, elapsed
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)*p/100, len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
