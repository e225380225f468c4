// Package faulttest injects faults into the httptest fakes of outside
// services, below the service's own answers: a call that hangs, a
// connection reset, a 500, or the work done and then the answer lost (a
// 500, a dropped connection, a hang) — the "unknown outcome" that a create
// must survive without being done twice.
//
// Wrap a fake's handler with an Injector and queue faults on it; Release
// the held calls before closing the fake's server. It
// imports the standard library only; only tests import it.
package faulttest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Fault is what an injected call does instead of being answered.
type Fault int

// The faults.
const (
	// Hang holds the call, doing nothing, until the client gives up or
	// Release is called; then the connection is dropped.
	Hang Fault = iota + 1
	// Reset drops the connection without doing the work.
	Reset
	// Status500 answers HTTP 500 without doing the work.
	Status500
	// WorkThen500 does the work, then answers HTTP 500.
	WorkThen500
	// WorkThenReset does the work, then drops the connection.
	WorkThenReset
	// WorkThenHang does the work, then holds the answer like Hang.
	WorkThenHang
)

var names = map[Fault]string{
	Hang: "hang", Reset: "reset", Status500: "500", WorkThen500: "work then 500",
	WorkThenReset: "work then reset", WorkThenHang: "work then hang",
}

// All lists every fault, for tables.
var All = []Fault{Hang, Reset, Status500, WorkThen500, WorkThenReset, WorkThenHang}

func (f Fault) String() string { return names[f] }

// Injector queues faults for the calls of a wrapped handler.
type Injector struct {
	mu      sync.Mutex
	rules   []*rule
	release chan struct{}
	held    int
	hits    int
}

type rule struct {
	method, path string
	fault        Fault
	times        int
}

// New returns an injector with no fault queued.
func New() *Injector { return &Injector{release: make(chan struct{})} }

// Inject makes the next times calls (times <= 0: one) with method ("" any)
// to a path starting with path fail with fault.
func (in *Injector) Inject(method, path string, fault Fault, times int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = append(in.rules, &rule{method: method, path: path, fault: fault, times: max(times, 1)})
}

// Release ends every held call.
func (in *Injector) Release() {
	in.mu.Lock()
	defer in.mu.Unlock()
	close(in.release)
	in.release = make(chan struct{})
}

// Held is the number of calls held now: poll it to know a call is in
// flight.
func (in *Injector) Held() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.held
}

// Hits is the number of calls a fault was injected into so far.
func (in *Injector) Hits() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.hits
}

func (in *Injector) take(r *http.Request) (Fault, chan struct{}) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, ru := range in.rules {
		if ru.method != "" && ru.method != r.Method || !strings.HasPrefix(r.URL.Path, ru.path) {
			continue
		}
		if ru.times--; ru.times <= 0 {
			in.rules = append(in.rules[:i], in.rules[i+1:]...)
		}
		in.hits++
		return ru.fault, in.release
	}
	return 0, nil
}

// Wrap returns next with the injected faults applied.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault, release := in.take(r)
		switch fault {
		case 0:
			next.ServeHTTP(w, r)
			return
		case WorkThen500, WorkThenReset, WorkThenHang:
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		switch fault {
		case Status500, WorkThen500:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><body>500 Internal Server Error</body></html>"))
			return
		case Hang, WorkThenHang:
			// With its body read, the server notices the client hanging up.
			_, _ = io.Copy(io.Discard, r.Body)
			in.mu.Lock()
			in.held++
			in.mu.Unlock()
			select {
			case <-r.Context().Done():
			case <-release:
			}
			in.mu.Lock()
			in.held--
			in.mu.Unlock()
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	})
}
