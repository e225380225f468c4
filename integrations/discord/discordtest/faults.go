package discordtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Fault is a failure the fake can inject into a call, as a real Discord
// (or the network in front of it) fails.
type Fault int

const (
	// Status500 answers 500 without doing the work.
	Status500 Fault = iota + 1
	// Hang holds the call without doing the work until Release (or the
	// client gives up).
	Hang
	// WorkThen500 does the work, then answers 500: the outcome is unknown
	// to the caller.
	WorkThen500
	// WorkThenHang does the work, then holds the answer like Hang.
	WorkThenHang
	// RateLimited answers 429 as Discord does when a route's bucket is
	// spent: Retry-After, the X-RateLimit-* bucket headers and a JSON body
	// with retry_after (RetryAfter seconds).
	RateLimited
	// GlobalRateLimited answers 429 for the bot's global limit: the same,
	// with X-RateLimit-Global and "global": true.
	GlobalRateLimited
)

// RetryAfter is the wait, in seconds, of an injected 429.
const RetryAfter = 2.0

type faultState struct {
	mu      sync.Mutex
	queued  []*injected
	release chan struct{}
	held    int
}

type injected struct {
	match string
	fault Fault
	times int
}

// Inject makes the next times (at least one) calls whose "METHOD /path"
// contains match fail with fault.
func (s *Server) Inject(match string, fault Fault, times int) {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued = append(f.queued, &injected{match: match, fault: fault, times: max(times, 1)})
}

// Release ends every call held by Hang or WorkThenHang.
func (s *Server) Release() {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	close(f.release)
	f.release = make(chan struct{})
}

// Held is the number of calls held now: a test polls it to know that a
// call is in flight.
func (s *Server) Held() int {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held
}

// take pops the next fault queued for route.
func (f *faultState) take(route string) (Fault, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, in := range f.queued {
		if strings.Contains(route, in.match) {
			in.times--
			if in.times <= 0 {
				f.queued = append(f.queued[:i], f.queued[i+1:]...)
			}
			return in.fault, f.release
		}
	}
	return 0, nil
}

// inject answers a call with its queued fault, if any, doing the work
// first for the WorkThen faults; false when no fault was queued.
func (s *Server) inject(w http.ResponseWriter, r *http.Request, route string, work func(http.ResponseWriter) int) bool {
	fault, release := s.faults.take(route)
	if fault == 0 {
		return false
	}
	if fault == WorkThen500 || fault == WorkThenHang {
		work(httptest.NewRecorder()) // recorded as a call
	} else {
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: r.Method, Path: route[strings.IndexByte(route, ' ')+1:], Status: faultStatus(fault)})
		if fault == RateLimited || fault == GlobalRateLimited {
			s.limited++
		}
		s.mu.Unlock()
	}
	switch fault {
	case Status500, WorkThen500:
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<html><body>500 Internal Server Error</body></html>"))
	case RateLimited, GlobalRateLimited:
		global := fault == GlobalRateLimited
		h := w.Header()
		h.Set("Retry-After", "2")
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", "2.000")
		h.Set("X-RateLimit-Bucket", "injected")
		scope := "user"
		if global {
			h.Set("X-RateLimit-Global", "true")
			scope = "global"
		}
		h.Set("X-RateLimit-Scope", scope)
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": RetryAfter, "global": global})
	case Hang, WorkThenHang:
		s.faults.mu.Lock()
		s.faults.held++
		s.faults.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-release:
		}
		s.faults.mu.Lock()
		s.faults.held--
		s.faults.mu.Unlock()
		w.WriteHeader(http.StatusGatewayTimeout)
	}
	return true
}

func faultStatus(f Fault) int {
	switch f {
	case RateLimited, GlobalRateLimited:
		return http.StatusTooManyRequests
	case Hang:
		return 0
	}
	return http.StatusInternalServerError
}
