package jira_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

// createThen500 lets the fake create the next issue, then answers 500: the
// create happened, its answer says it did not.
func createThen500(f *fakeJira) func(w http.ResponseWriter, r *http.Request) bool {
	var done atomic.Bool
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POST" || r.URL.Path != "/rest/api/2/issue" || done.Swap(true) {
			return false
		}
		f.serveNoFault(httptest.NewRecorder(), r)
		jerr(w, 500, []string{"Internal server error"}, nil)
		return true
	}
}

// Jira creates the issue and answers 500; its search lags 2 to 15 s. Every
// job of the incident (the sync's retries, comments, the /incident ticket
// command) reconciles instead of creating a second issue.
func TestCreateThen500WithLaggingSearchMakesOneIssue(t *testing.T) {
	for _, lag := range []time.Duration{2 * time.Second, 9 * time.Second, 15 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			e := newEnv(t, nil)
			e.fake.searchLag = lag
			e.fake.setFault(createThen500(e.fake))
			inc := e.declare(bot.SEV2, "Checkout errors")
			e.drain()
			must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "Rolled back"))
			must[*bot.Incident](t)(e.svc.Ack(e.ctx, bot.Cause{}, inc.Number, "bob"))
			if _, err := e.j.Ticket(e.ctx, e.get(inc.Number), "alice"); bot.ErrorCode(err) != bot.CodeUnavailable {
				t.Fatalf("Ticket during the reconcile = %v, want unavailable", err)
			}
			for range 40 { // 20 s in steps of half a second
				e.clock.Advance(500 * time.Millisecond)
				e.drain()
			}
			is := e.checkOneIssue(inc.Number)
			if l := e.get(inc.Number).Links["jira"]; l.ID != is.Key {
				t.Fatalf("link = %+v, want %s", l, is.Key)
			}
			if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "Rolled back") {
				t.Fatalf("comments = %q", is.Comments)
			}
			if dead := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(dead) != 0 {
				t.Fatalf("dead jobs: %+v", dead)
			}
		})
	}
}

// When the search never finds it (the issue was really not created), the
// reconcile window ends and the next attempt creates it.
func TestReconcileWindowEndsThenCreates(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.ReconcileWindow = time.Minute })
	e.fake.setFault(createFault(1, 500, nil))
	inc := e.declare(bot.SEV2, "Slow search")
	e.drain()
	e.clock.Advance(59 * time.Second)
	e.drain()
	if got := e.fake.withLabel("warroom-inc-1"); len(got) != 0 {
		t.Fatalf("created within the window: %d", len(got))
	}
	e.clock.Advance(time.Minute)
	e.drain()
	e.checkOneIssue(inc.Number)
}

// A refusal (4xx, 429) means nothing was created: no reconcile wait.
func TestRateLimitedCreateNeedsNoReconcile(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.setFault(createFault(1, 429, http.Header{"Retry-After": {"5"}}))
	inc := e.declare(bot.SEV2, "Throttled")
	e.drain()
	e.clock.Advance(5 * time.Second)
	e.drain()
	e.checkOneIssue(inc.Number)
}
