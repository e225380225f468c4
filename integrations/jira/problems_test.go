package jira_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

func newProblemEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, nil)
	e.problems = true
	e.restart()
	return e
}

// checkOneProblemIssue fails unless exactly one issue carries PRB-1's
// label, of the Problem type, linked to PRB-1, and no job is dead.
func (e *env) checkOneProblemIssue() fakeIssue {
	e.t.Helper()
	issues := e.fake.withLabel("warroom-prb-1")
	if len(issues) != 1 {
		e.t.Fatalf("%d issues carry warroom-prb-1, want 1 (writes: %v)", len(issues), e.fake.log())
	}
	p := must[*bot.Problem](e.t)(e.svc.Problems().Get(e.ctx, 1))
	if l := p.Links["jira"]; l.ID != issues[0].Key || issues[0].Type != "Problem" {
		e.t.Fatalf("PRB-1 links %+v, issue %+v", p.Links, issues[0])
	}
	if dead := must[[]bot.Job](e.t)(e.store.DeadJobs(e.ctx, 10)); len(dead) != 0 {
		e.t.Fatalf("dead jobs: %+v", dead)
	}
	return issues[0]
}

// TestProblemIssue: a problem becomes one Problem issue whose summary and
// description follow it.
func TestProblemIssue(t *testing.T) {
	e := newProblemEnv(t)
	inc := e.declare(bot.SEV3, "Disk full")
	e.drain()
	pr := e.svc.Problems()
	p := must[*bot.Problem](t)(pr.Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{}))
	e.drain()
	if is := e.checkOneProblemIssue(); is.Summary != "PRB-1: Disks fill up" || !strings.Contains(is.Description, "Root cause:* not known yet") {
		t.Fatalf("created issue %+v", is)
	}
	rc := "log rotation off"
	must[*bot.Problem](t)(pr.Update(e.ctx, "alice", p.Number, bot.ProblemChange{RootCause: &rc}))
	must[*bot.Problem](t)(pr.Link(e.ctx, "alice", bot.Everyone, p.Number, inc.Number))
	e.drain()
	if is := e.checkOneProblemIssue(); !strings.Contains(is.Description, "*Root cause:* log rotation off") ||
		!strings.Contains(is.Description, "*Linked incidents:* INC-1") {
		t.Fatalf("updated issue %+v", is)
	}
}

// TestProblemIssueFaults: a 500, a cut answer or a 429 on the create never
// makes a second issue.
func TestProblemIssueFaults(t *testing.T) {
	for _, c := range []struct {
		name  string
		fault func(e *env)
		wait  time.Duration
	}{
		{"500", func(e *env) { e.fake.setFault(createFault(1, 500, nil)) }, jira.DefaultReconcileWindow + time.Minute},
		{"answer lost", func(e *env) { e.fake.cutCreate = 1 }, time.Minute},
		{"429 Retry-After", func(e *env) { e.fake.setFault(createFault(1, 429, http.Header{"Retry-After": {"120"}})) }, 3 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newProblemEnv(t)
			c.fault(e)
			must[*bot.Problem](t)(e.svc.Problems().Create(e.ctx, "alice", "Disks fill up", bot.ProblemChange{}))
			e.drain()
			for range int(c.wait / (10 * time.Second)) {
				e.clock.Advance(10 * time.Second)
				e.drain()
			}
			e.checkOneProblemIssue()
		})
	}
}
