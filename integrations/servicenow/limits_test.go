package servicenow_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// snLimit makes the fake enforce a rate limit rule as ServiceNow does: at
// most n requests per window of the injected clock; a request over it is
// answered 429 with Retry-After and X-RateLimit-Reset (Unix seconds) and
// does nothing. It records when each request came and which were refused.
type snLimit struct {
	now    func() time.Time
	n      int
	window time.Duration

	mu      sync.Mutex
	start   time.Time
	used    int
	calls   []time.Time // when each request came, in order
	limited []int       // which calls were answered 429
	until   []time.Time // until when each 429 asked to wait
}

func (l *snLimit) fault(w http.ResponseWriter, r *http.Request) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.calls = append(l.calls, now)
	if now.Sub(l.start) >= l.window {
		l.start, l.used = now, 0
	}
	if l.used < l.n {
		l.used++
		return false
	}
	reset := l.start.Add(l.window).Truncate(time.Second).Add(time.Second)
	l.limited = append(l.limited, len(l.calls)-1)
	l.until = append(l.until, reset)
	w.Header().Set("Retry-After", fmt.Sprint(int(reset.Sub(now).Seconds())))
	w.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
	snErr(w, http.StatusTooManyRequests, "Rate limit exceeded", "rate limit rule: warroom")
	return true
}

// TestRateLimitPausesEveryJob: after ServiceNow answers 429, no job of any
// incident calls it before the hint, and every incident still gets its
// one record.
func TestRateLimitPausesEveryJob(t *testing.T) {
	e := newEnv(t, nil)
	lim := &snLimit{now: e.clock.Now, n: 6, window: time.Minute}
	e.fake.setFault(lim.fault)
	var incs []*bot.Incident
	for i := range 180 { // an incident every 5 s for a minute, then 14 minutes more
		if i < 12 {
			incs = append(incs, e.declare(bot.SEV2, fmt.Sprintf("Queue backlog %d", i)))
		}
		e.drain()
		e.clock.Advance(5 * time.Second)
	}
	for _, inc := range incs {
		e.checkOneRecord(inc.Number)
	}
	lim.mu.Lock()
	defer lim.mu.Unlock()
	if len(lim.limited) == 0 {
		t.Fatal("the budget was never spent: the test proves nothing")
	}
	for i, at := range lim.limited {
		// Jobs already in flight when the 429 came back may still land
		// at that instant; none may start later before the hint.
		for _, c := range lim.calls[at+1:] {
			if c.After(lim.calls[at]) && c.Before(lim.until[i]) {
				t.Errorf("a request at %s came before the hint of the 429 at %s (until %s)",
					c.Format(time.TimeOnly), lim.calls[at].Format(time.TimeOnly), lim.until[i].Format(time.TimeOnly))
			}
		}
	}
	if jobs := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(jobs) != 0 {
		t.Errorf("jobs dead-lettered: %+v", jobs)
	}
}

// TestRefusedCreateRetriesWithoutLookup: a create ServiceNow refused with
// 429 made nothing, so its retry creates at once instead of spending the
// rate limit on looking the record up again; a storm of new incidents
// would otherwise spend every window on lookups and never create.
func TestRefusedCreateRetriesWithoutLookup(t *testing.T) {
	e := newEnv(t, nil)
	var lookups, posts int
	e.fake.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		switch {
		case r.Method == http.MethodGet && strings.Contains(r.URL.Query().Get("sysparm_query"), "correlation_id="):
			lookups++
		case r.Method == http.MethodPost:
			posts++
			if posts == 1 {
				w.Header().Set("Retry-After", "10")
				snErr(w, http.StatusTooManyRequests, "Rate limit exceeded", "rate limit rule: warroom")
				return true
			}
		}
		return false
	})
	inc := e.declare(bot.SEV2, "Queue backlog")
	e.drain()
	e.clock.Advance(11 * time.Second)
	e.drain()
	e.checkOneRecord(inc.Number)
	if lookups != 1 || posts != 2 {
		t.Errorf("%d lookups and %d creates, want 1 lookup before the refused create and its retry", lookups, posts)
	}
}

// TestAuthBlipHeals: ServiceNow answers 401 for a minute, then accepts the
// credentials again: the integration is held (one log line, nothing dead),
// probed with backoff, and resumes without a restart.
func TestAuthBlipHeals(t *testing.T) {
	e := newEnv(t, nil)
	healthy := e.clock.Now().Add(time.Minute)
	e.fake.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if e.clock.Now().Before(healthy) {
			snErr(w, http.StatusUnauthorized, "User Not Authenticated", "Required to provide Auth information")
			return true
		}
		return false
	})
	inc := e.declare(bot.SEV1, "Login blip")
	e.drain()
	if r := e.sn.Stopped(e.ctx); !strings.Contains(r, "401") {
		t.Fatalf("Stopped() = %q, want held after the 401", r)
	}
	sent := e.fake.requests.Load()
	for range 5 { // the blip: probes only, 5 s, 10 s, 20 s apart
		e.clock.Advance(10 * time.Second)
		e.drain()
	}
	if got := e.fake.requests.Load() - sent; got > 4 {
		t.Errorf("%d requests during the blip, want a few probes", got)
	}
	for range 20 {
		e.clock.Advance(15 * time.Second)
		e.drain()
	}
	e.checkOneRecord(inc.Number)
	if r := e.sn.Stopped(e.ctx); r != "" {
		t.Errorf("still held: %q", r)
	}
	if n := strings.Count(e.logs.String(), "servicenow integration stopped"); n != 1 {
		t.Errorf("the hold was logged %d times, want once", n)
	}
	if jobs := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(jobs) != 0 {
		t.Errorf("jobs dead-lettered: %+v", jobs)
	}
}
