package jira_test

import (
	"fmt"
	"math"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// jiraLimit makes the fake enforce a rate limit as Jira Cloud does: at most
// n requests per window of the injected clock; a request over it is
// answered 429 with Retry-After (whole seconds until the window ends) and
// does nothing. It records when each request came and each 429 went.
type jiraLimit struct {
	now    func() time.Time
	n      int
	window time.Duration

	mu      sync.Mutex
	start   time.Time // the current window's start
	used    int
	limited []int       // which calls were answered 429
	until   []time.Time // until when each 429 asked to wait
	calls   []time.Time // when each request came, in order
}

// fault is the limiter as a fake fault.
func (l *jiraLimit) fault(w http.ResponseWriter, r *http.Request) bool {
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
	wait := l.start.Add(l.window).Sub(now)
	secs := int(math.Ceil(wait.Seconds()))
	l.limited = append(l.limited, len(l.calls)-1)
	l.until = append(l.until, now.Add(time.Duration(secs)*time.Second))
	w.Header().Set("Retry-After", fmt.Sprint(secs))
	jerr(w, http.StatusTooManyRequests, []string{"Rate limit exceeded."}, nil)
	return true
}

// TestRateLimitPausesEveryJob: Jira answers 429 + Retry-After once its
// budget is spent; after that answer no job of any incident calls it
// before the hint, and every incident still gets its one issue.
func TestRateLimitPausesEveryJob(t *testing.T) {
	e := newEnv(t, nil)
	lim := &jiraLimit{now: e.clock.Now, n: 6, window: time.Minute}
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
		e.checkOneIssue(inc.Number)
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
				t.Errorf("a request at %s came before the Retry-After of the 429 at %s (until %s)",
					c.Format(time.TimeOnly), lim.calls[at].Format(time.TimeOnly), lim.until[i].Format(time.TimeOnly))
			}
		}
	}
	if jobs := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(jobs) != 0 {
		t.Errorf("jobs dead-lettered: %+v", jobs)
	}
}
