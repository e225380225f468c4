package jira_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

// createFault answers the first n creates with status (and a Jira error
// body), then lets them through.
func createFault(n int, status int, header http.Header) func(w http.ResponseWriter, r *http.Request) bool {
	var seen atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POST" || r.URL.Path != "/rest/api/2/issue" || int(seen.Add(1)) > n {
			return false
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		jerr(w, status, []string{fmt.Sprintf("fault %d", status)}, nil)
		return true
	}
}

func TestServerErrorOnFirstCreateThenSuccess(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.setFault(createFault(1, 500, nil))
	inc := e.declare(bot.SEV2, "API errors")
	e.drain()
	if got := e.fake.withLabel("warroom-inc-1"); len(got) != 0 {
		t.Fatalf("issue created despite the 500")
	}
	// A 500 leaves the outcome unknown: nothing creates again until the
	// search finds the issue or the reconcile window has passed.
	e.clock.Advance(time.Minute)
	e.drain()
	if got := e.fake.withLabel("warroom-inc-1"); len(got) != 0 {
		t.Fatalf("created again within the reconcile window")
	}
	e.clock.Advance(jira.DefaultReconcileWindow)
	e.drain()
	e.checkOneIssue(inc.Number)
}

func TestCreateCutOffIsAdoptedNotDuplicated(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.cutCreate = 1
	inc := e.declare(bot.SEV1, "Database down")
	e.drain()
	if got := e.fake.withLabel("warroom-inc-1"); len(got) != 1 {
		t.Fatalf("the fake should hold the issue whose answer was cut: %d", len(got))
	}
	if l := e.get(inc.Number).Links["jira"]; l.ID != "" {
		t.Fatalf("linked before the lookup: %+v", l)
	}
	e.clock.Advance(9 * time.Second)
	if n := e.drain(); n != 0 {
		t.Fatalf("retried before the lookup wait: %d", n)
	}
	must[*bot.Incident](t)(e.svc.Ack(e.ctx, bot.Cause{}, inc.Number, "bob"))
	e.clock.Advance(2 * time.Second)
	e.drain()
	e.checkOneIssue(inc.Number)
	if !strings.Contains(e.logs.String(), "adopted existing jira issue") {
		t.Errorf("no adoption logged:\n%s", e.logs)
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.setFault(createFault(1, 429, http.Header{"Retry-After": {"120"}}))
	inc := e.declare(bot.SEV2, "Queue backlog")
	e.drain()
	e.clock.Advance(119 * time.Second)
	if n := e.drain(); n != 0 {
		t.Fatalf("retried %d jobs before Retry-After elapsed", n)
	}
	e.clock.Advance(time.Second)
	if n := e.drain(); n == 0 {
		t.Fatalf("not retried once Retry-After elapsed")
	}
	e.checkOneIssue(inc.Number)
}

// TestUnauthorizedHoldsProbesAndHeals: a 401 holds Jira (one error logged,
// the gauge up, nothing dead); while the credentials stay refused only one
// probe at a time reaches Jira, with backoff; once Jira accepts them again
// the next probe resumes delivery, without a restart.
func TestUnauthorizedHoldsProbesAndHeals(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.Token = "wrong" })
	inc := e.declare(bot.SEV1, "Login broken")
	e.drain()
	must[*bot.Incident](t)(e.svc.Ack(e.ctx, bot.Cause{}, inc.Number, "bob"))
	must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "looking"))
	sent := e.fake.requests.Load()
	for range 4 {
		e.clock.Advance(31 * time.Minute)
		e.drain()
	}
	if got := e.fake.requests.Load(); got-sent > 4 {
		t.Fatalf("%d requests sent in 4 rounds after the 401: a held integration only probes, one call at a time", got-sent)
	}
	if r := e.j.Stopped(e.ctx); !strings.Contains(r, "401") || !strings.Contains(r, "JIRA_TOKEN") {
		t.Fatalf("Stopped() = %q", r)
	}
	if n := strings.Count(e.logs.String(), "jira integration stopped"); n != 1 {
		t.Fatalf("%d stop errors logged, want 1:\n%s", n, e.logs)
	}
	if got := metricValue(t, e.j.Collector(), "warroom_ticket_stopped"); got != 1 {
		t.Fatalf("warroom_ticket_stopped = %v, want 1", got)
	}
	if jobs := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(jobs) != 0 {
		t.Fatalf("jobs dead-lettered while held: %+v", jobs)
	}

	// Jira accepts the credentials again: the next probe gets through and
	// the held jobs go out, with no restart.
	e.fake.mu.Lock()
	e.fake.token = "wrong"
	e.fake.mu.Unlock()
	e.clock.Advance(3 * time.Minute)
	for range 3 {
		e.drain()
		e.clock.Advance(15 * time.Second)
	}
	is := e.checkOneIssue(inc.Number)
	if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "looking") {
		t.Fatalf("comments = %q", is.Comments)
	}
	if r := e.j.Stopped(e.ctx); r != "" {
		t.Fatalf("still held: %q", r)
	}
	if got := metricValue(t, e.j.Collector(), "warroom_ticket_stopped"); got != 0 {
		t.Fatalf("warroom_ticket_stopped = %v after healing, want 0", got)
	}
	if !strings.Contains(e.logs.String(), "accepted warroom's credentials again") {
		t.Errorf("the resumption was not logged:\n%s", e.logs)
	}
}

// metricValue sums a metric's samples (counters and gauges).
func metricValue(t *testing.T, c prometheus.Collector, name string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return sum
}

func TestBurstCoalescesIntoFewWritesInOrder(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV2, "Cache stampede")
	e.drain()
	e.checkOneIssue(inc.Number)
	start := len(e.fake.log())
	for i := range 20 {
		title := fmt.Sprintf("Cache stampede, step %d", i+1)
		must[*bot.Incident](t)(e.svc.SetField(e.ctx, inc.Number, "bob", bot.FieldTitle, title))
		if i == 9 {
			must[*bot.Incident](t)(e.svc.Ack(e.ctx, bot.Cause{}, inc.Number, "bob"))
		}
	}
	e.drain()
	writes := e.fake.log()[start:]
	if len(writes) > 2 {
		t.Fatalf("20 changes made %d writes, want at most 2 (one edit, one transition): %q", len(writes), writes)
	}
	is := e.checkOneIssue(inc.Number)
	if !strings.HasSuffix(is.Summary, "step 20") {
		t.Fatalf("summary = %q, want the latest title", is.Summary)
	}
}

func TestRestartResumesPendingSync(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.setFault(createFault(1, 502, nil))
	inc := e.declare(bot.SEV1, "Region outage")
	e.drain() // the create fails: the sync job waits for its retry
	must[*bot.Incident](t)(e.svc.PostUpdate(e.ctx, inc.Number, "bob", "Traffic drained to the other region", bot.StatusMonitoring))
	e.restart()
	e.clock.Advance(jira.DefaultReconcileWindow)
	e.drain()
	is := e.checkOneIssue(inc.Number)
	if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "Traffic drained") {
		t.Fatalf("comments = %q", is.Comments)
	}
}

func TestBadRequestIsPermanentWithJirasMessage(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) {
		c.Priority = map[bot.Severity]string{bot.SEV1: "Urgent"}
	})
	e.declare(bot.SEV1, "Bad priority map")
	e.drain()
	dead := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10))
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, "priority: Priority name 'Urgent' is not valid") {
		t.Fatalf("dead jobs = %+v, want the sync with Jira's own message", dead)
	}
	if strings.Contains(dead[0].LastError, "tok") {
		t.Fatalf("the error carries the token: %q", dead[0].LastError)
	}
}

func TestCommentCutOffIsNotDuplicated(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV2, "Flaky deploys")
	e.drain()
	var cut atomic.Bool
	e.fake.setFault(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POST" || !strings.HasSuffix(r.URL.Path, "/comment") || cut.Swap(true) {
			return false
		}
		// Let the fake add the comment, then cut the connection.
		e.fake.serveNoFault(httptest.NewRecorder(), r)
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
		return true
	})
	must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "Pinned the runner version"))
	e.drain()
	if !cut.Load() {
		t.Fatal("the comment was never cut off")
	}
	e.clock.Advance(time.Minute)
	e.drain()
	is := e.checkOneIssue(inc.Number)
	if len(is.Comments) != 1 {
		t.Fatalf("comments = %q, want exactly one", is.Comments)
	}
}

func TestRestartWhileAJobIsLeasedResumesIt(t *testing.T) {
	e := newEnv(t, nil)
	inc := e.declare(bot.SEV2, "Payments timeouts")
	// Another process claims the sync and dies before finishing it.
	claimed := must[[]bot.Job](t)(e.store.Claim(e.ctx, "crashed-process", "", e.clock.Now(), 30*time.Second, 10))
	if len(claimed) != 1 || claimed[0].Kind != "jira.sync" {
		t.Fatalf("claimed %+v", claimed)
	}
	e.restart()
	if n := e.drain(); n != 0 {
		t.Fatalf("a leased job ran before its lease ended")
	}
	e.clock.Advance(31 * time.Second)
	e.drain()
	e.checkOneIssue(inc.Number)
}

func TestRateLimitResetHeader(t *testing.T) {
	e := newEnv(t, nil)
	reset := t0.Add(5 * time.Minute).Format(time.RFC3339)
	e.fake.setFault(createFault(1, 429, http.Header{"X-Ratelimit-Reset": {reset}}))
	inc := e.declare(bot.SEV2, "Rate limited")
	e.drain()
	e.clock.Advance(4 * time.Minute)
	if n := e.drain(); n != 0 {
		t.Fatalf("retried before X-RateLimit-Reset")
	}
	e.clock.Advance(time.Minute)
	e.drain()
	e.checkOneIssue(inc.Number)
}

func TestServerDataCenterBearerToken(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.User, c.Auth = "", jira.AuthBearer })
	inc := e.declare(bot.SEV1, "PAT auth")
	e.drain()
	e.checkOneIssue(inc.Number)
}
