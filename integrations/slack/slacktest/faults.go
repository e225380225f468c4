package slacktest

import (
	"net/http"
	"net/http/httptest"
	"sync"
)

// Fault is a failure below Slack's own answers (those are Failure and
// Revoke): the network or Slack's front end misbehaving, before or after
// the call did its work.
type Fault int

// Faults the fake can inject.
const (
	// Hang holds the call, doing nothing, until the client gives up or
	// Release is called; then it drops the connection.
	Hang Fault = iota + 1
	// Reset drops the connection without doing the work.
	Reset
	// Status500 answers HTTP 500 without doing the work.
	Status500
	// WorkThen500 does the work (creates the channel, posts the message),
	// then answers HTTP 500.
	WorkThen500
	// WorkThenReset does the work, then drops the connection.
	WorkThenReset
	// WorkThenHang does the work, then holds the answer like Hang.
	WorkThenHang
)

// faultState is the fake's queue of injected faults and its held calls.
type faultState struct {
	mu      sync.Mutex
	queued  map[string][]*injected
	release chan struct{}
	held    int
}

type injected struct {
	fault   Fault
	channel string
	times   int
}

func (f *faultState) init() {
	f.queued = map[string][]*injected{}
	f.release = make(chan struct{})
}

// Inject makes the next times calls of method (times <= 0: one) about
// channel (a name or an id; "" any) fail with fault.
func (s *Server) Inject(method, channel string, fault Fault, times int) {
	if channel != "" {
		s.mu.Lock()
		channel = s.resolve(channel)
		s.mu.Unlock()
	}
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued[method] = append(f.queued[method], &injected{fault: fault, channel: channel, times: max(times, 1)})
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

// take pops the next fault queued for a call of method about channel (an
// id).
func (f *faultState) take(method, channel string) (Fault, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, in := range f.queued[method] {
		if in.channel != "" && in.channel != channel {
			continue
		}
		if in.times--; in.times <= 0 {
			f.queued[method] = append(f.queued[method][:i], f.queued[method][i+1:]...)
		}
		return in.fault, f.release
	}
	return 0, nil
}

// serveFault applies a queued fault to a call; it reports whether it
// answered the call.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, method string, params map[string]string, token string) bool {
	s.mu.Lock()
	channel := s.resolve(params["channel"])
	s.mu.Unlock()
	fault, release := s.faults.take(method, channel)
	if fault == 0 {
		return false
	}
	worked := fault == WorkThen500 || fault == WorkThenReset || fault == WorkThenHang
	if worked {
		s.serveMethod(httptest.NewRecorder(), method, params, token) // recorded as a call
	}
	switch fault {
	case Status500, WorkThen500:
		if !worked {
			s.record(method, params, http.StatusInternalServerError, "")
		}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<html><body>500 Internal Server Error</body></html>"))
		return true
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
	}
	if !worked {
		s.record(method, params, 0, "connection dropped")
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
		}
	}
	return true
}

// record notes a call the fake answered with a fault.
func (s *Server) record(method string, params map[string]string, status int, e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: method, Params: params, Status: status, Error: e})
}
