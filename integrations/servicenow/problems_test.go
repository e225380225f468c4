package servicenow_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/faulttest"
	"github.com/warroom/warroom/integrations/servicenow"
)

func newProblemEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, func(c *servicenow.Config) { c.Timeout = 300 * time.Millisecond })
	e.problems = true
	e.restart()
	return e
}

// settle runs the outbox for 15 minutes of the test clock.
func (e *env) settle() {
	e.t.Helper()
	for range 30 {
		e.clock.Advance(30 * time.Second)
		e.drain()
	}
}

// checkOneProblem fails unless the problem table holds exactly one record,
// linked to PRB-1, and returns it.
func (e *env) checkOneProblem() map[string]string {
	e.t.Helper()
	recs := e.fake.problemRecords()
	if len(recs) != 1 {
		e.t.Fatalf("%d problem records, want 1: %v", len(recs), recs)
	}
	p, err := e.svc.Problems().Get(e.ctx, 1)
	if err != nil {
		e.t.Fatal(err)
	}
	if l := p.Links[servicenow.System]; l.ID != recs[0]["number"] || !strings.Contains(l.URL, "problem.do") {
		e.t.Fatalf("PRB-1 links %+v, record %s", p.Links, recs[0]["number"])
	}
	if dead := must[[]bot.Job](e.t)(e.store.DeadJobs(e.ctx, 10)); len(dead) != 0 {
		e.t.Fatalf("dead jobs: %+v", dead)
	}
	return recs[0]
}

// TestProblemSync: a problem is created once in the problem table, and its
// changes follow it there.
func TestProblemSync(t *testing.T) {
	e := newProblemEnv(t)
	inc := e.declare(bot.SEV3, "Disk full")
	pr := e.svc.Problems()
	p := must[*bot.Problem](t)(pr.Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{}))
	e.drain()
	rec := e.checkOneProblem()
	if rec["correlation_id"] != "PRB-1" || rec["short_description"] != "PRB-1: Disks fill up" || rec["known_error"] != "false" ||
		rec["assignment_group"] != "Network" {
		t.Fatalf("created record %v", rec)
	}
	rc, wa, st := "log rotation off", "delete old logs", bot.ProblemKnownError
	must[*bot.Problem](t)(pr.Update(e.ctx, "alice", p.Number, bot.ProblemChange{RootCause: &rc, Workaround: &wa, Status: &st}))
	must[*bot.Problem](t)(pr.Link(e.ctx, "alice", bot.Everyone, p.Number, inc.Number))
	e.drain()
	rec = e.checkOneProblem()
	if rec["cause_notes"] != rc || rec["workaround"] != wa || rec["known_error"] != "true" ||
		!strings.Contains(rec["description"], "Linked incidents: INC-1.") || !strings.Contains(rec["description"], "status known-error") {
		t.Fatalf("updated record %v", rec)
	}
	// Nothing changed: nothing written.
	writes := func() int { e.fake.mu.Lock(); defer e.fake.mu.Unlock(); return len(e.fake.writes) }
	before := writes()
	// (a new link URL writes a sync job, and changes no field of the record)
	l := rec0Link(t, e)
	l.URL += "&view=1"
	must[*bot.Problem](t)(pr.SetLink(e.ctx, bot.Cause{}, p.Number, servicenow.System, l))
	e.drain()
	if writes() != before {
		t.Errorf("a sync without a change wrote %d times", writes()-before)
	}
}

// TestProblemSyncFaults: whatever fault meets the create (a hang, a reset,
// a 500, an answer lost after the work), there is exactly one record once
// it clears, and no dead job.
func TestProblemSyncFaults(t *testing.T) {
	for _, fault := range faulttest.All {
		t.Run(fault.String(), func(t *testing.T) {
			e := newProblemEnv(t)
			e.fake.faults.Inject("POST", "/api/now/table/problem", fault, 1)
			must[*bot.Problem](t)(e.svc.Problems().Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{}))
			e.settle()
			if e.fake.faults.Hits() != 1 {
				t.Fatalf("the fault was injected %d times, want 1", e.fake.faults.Hits())
			}
			e.checkOneProblem()
		})
	}
}

// TestProblemSyncRateLimited: a 429 with Retry-After is waited out, not
// counted as a failure, and the record is created once.
func TestProblemSyncRateLimited(t *testing.T) {
	e := newProblemEnv(t)
	var limited int // under e.fake.mu, as the fault runs
	e.fake.mu.Lock()
	e.fake.fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POST" || r.URL.Path != "/api/now/table/problem" || limited > 0 {
			return false
		}
		limited++
		w.Header().Set("Retry-After", "30")
		snErr(w, 429, "Too many requests", "rate limit")
		return true
	}
	e.fake.mu.Unlock()
	must[*bot.Problem](t)(e.svc.Problems().Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{}))
	e.drain()
	if recs := e.fake.problemRecords(); len(recs) != 0 {
		t.Fatalf("created during the wait: %v", recs)
	}
	e.settle()
	e.checkOneProblem()
	jobs := must[[]bot.Job](t)(e.store.LiveJobs(e.ctx, 0))
	for _, j := range jobs {
		if j.Kind == bot.JobKindOf(servicenow.System, bot.EffectProblemSync) {
			t.Errorf("a problem job is still waiting: %+v", j)
		}
	}
}

func rec0Link(t *testing.T, e *env) bot.Link {
	t.Helper()
	p := must[*bot.Problem](t)(e.svc.Problems().Get(e.ctx, 1))
	return p.Links[servicenow.System]
}
