package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Target is one server endpoint under load.
type Target struct {
	Name   string  // for reports: alertmanager, warroom, bare
	URL    string  // the endpoint requests are POSTed to
	Token  string  // sent as a bearer token when set
	Bodies *Bodies // what each request carries
	PID    int     // the server's process, for its CPU time; 0: not read
}

// Result is one run against one target.
type Result struct {
	Target   string
	Sent     int64         // requests sent
	OK       int64         // answered 2xx
	Failed   int64         // errors and non-2xx answers
	FirstErr string        // the first failure, for the report
	Elapsed  time.Duration // from the first send to the last answer
	CPU      time.Duration // the server's CPU time over the run; 0 when not read
	// Latencies of the 2xx answers, sorted. Open loop: from each
	// request's intended send time; closed loop: from its actual send.
	Latencies []time.Duration
	PerReq    int // alerts per request
}

// AlertsPerSec is the rate of alerts answered 2xx.
func (r Result) AlertsPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK*int64(r.PerReq)) / r.Elapsed.Seconds()
}

// CPUPerRequest is the server's CPU time per request answered 2xx, or 0.
func (r Result) CPUPerRequest() time.Duration {
	if r.OK == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.OK)
}

// Quantile returns the latency below which a fraction q (0..1) of the
// answers fell, or 0 without answers.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := min(len(r.Latencies)-1, int(q*float64(len(r.Latencies))))
	return r.Latencies[i]
}

// Client returns an HTTP client for n concurrent senders on loopback.
func Client(n int) *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute},
	}
}

// recorder collects the outcome of a run's requests.
type recorder struct {
	mu       sync.Mutex
	lat      []time.Duration
	ok, bad  int64
	firstErr string
}

func (rec *recorder) add(d time.Duration, err error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if err != nil {
		rec.bad++
		if rec.firstErr == "" {
			rec.firstErr = err.Error()
		}
		return
	}
	rec.ok++
	rec.lat = append(rec.lat, d)
}

// run drives t with workers goroutines; each calls next for the send time
// of its next request (ok false: stop) and sends it then.
func run(ctx context.Context, client *http.Client, t Target, workers int, next func() (seq int64, at time.Time, ok bool)) (Result, error) {
	before, err := ProcessCPU(t.PID)
	if err != nil {
		return Result{}, err
	}
	rec := &recorder{}
	var sent atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []byte
			for ctx.Err() == nil {
				seq, at, ok := next()
				if !ok {
					return
				}
				if wait := time.Until(at); wait > 0 {
					time.Sleep(wait) // pacing the arrival rate, not synchronising
				}
				buf = t.Bodies.Body(buf[:0], seq)
				sent.Add(1)
				err := send(ctx, client, t, buf)
				rec.add(time.Since(at), err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	after, err := ProcessCPU(t.PID)
	if err != nil {
		return Result{}, err
	}
	slices.Sort(rec.lat)
	return Result{Target: t.Name, Sent: sent.Load(), OK: rec.ok, Failed: rec.bad, FirstErr: rec.firstErr, Elapsed: elapsed,
		CPU: after - before, Latencies: rec.lat, PerReq: t.Bodies.PerRequest}, nil
}

// Closed runs a closed loop: senders goroutines each send a request as soon
// as their last was answered, for d. At least senders requests are sent,
// however late the goroutines start.
func Closed(ctx context.Context, client *http.Client, t Target, senders int, d time.Duration) (Result, error) {
	if senders < 1 {
		return Result{}, fmt.Errorf("senders must be 1 or more, not %d", senders)
	}
	var seq atomic.Int64
	end := time.Now().Add(d)
	return run(ctx, client, t, senders, func() (int64, time.Time, bool) {
		now := time.Now()
		i := seq.Add(1) - 1
		return i, now, now.Before(end) || i < int64(senders)
	})
}

// Open runs an open loop: request i is due at start + i/rate, for d.
// Latency is measured from the due time, so a request that waits for a
// free sender (the server stalled every sender) counts the wait. maxOpen
// bounds the requests in flight.
func Open(ctx context.Context, client *http.Client, t Target, rate float64, d time.Duration, maxOpen int) (Result, error) {
	if rate <= 0 || maxOpen < 1 {
		return Result{}, fmt.Errorf("rate (%v) and requests in flight (%d) must be positive", rate, maxOpen)
	}
	total := int64(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	var seq atomic.Int64
	start := time.Now()
	return run(ctx, client, t, maxOpen, func() (int64, time.Time, bool) {
		i := seq.Add(1) - 1
		return i, start.Add(time.Duration(i) * interval), i < total
	})
}

// send POSTs one body and reads the answer; a non-2xx answer is an error.
func send(ctx context.Context, client *http.Client, t Target, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %d: %s", t.Name, resp.StatusCode, bytes.TrimSpace(answer))
	}
	return nil
}

// Sort sorts r.Latencies, e.g. after appending several runs' together.
func (r *Result) Sort() { slices.Sort(r.Latencies) }
