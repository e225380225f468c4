package jira_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/faulttest"
	"github.com/warroom/warroom/integrations/jira"
)

// TestFaultsDeliverExactlyOnce: whatever fault meets the issue's create or
// a comment, once it clears the incident has exactly one issue, linked,
// with the comment once, and no job is dead.
func TestFaultsDeliverExactlyOnce(t *testing.T) {
	type row struct {
		name   string
		inject func(f *fakeJira)
		hits   int // calls the injector must have failed
	}
	var rows []row
	for _, call := range []struct{ name, method, path string }{
		{"create", "POST", "/rest/api/2/issue"},
		{"comment", "POST", "/rest/api/2/issue/OPS-1/comment"},
	} {
		for _, fault := range faulttest.All {
			rows = append(rows, row{call.name + "/" + fault.String(), func(f *fakeJira) {
				f.faults.Inject(call.method, call.path, fault, 1)
			}, 1})
		}
	}
	rows = append(rows,
		row{"create/429", func(f *fakeJira) { f.setFault(createFault(1, 429, http.Header{"Retry-After": {"5"}})) }, 0},
		row{"create/503", func(f *fakeJira) { f.setFault(createFault(1, 503, nil)) }, 0},
	)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			e := newEnv(t, func(c *jira.Config) { c.Timeout = 300 * time.Millisecond })
			e.fake.searchLag = 5 * time.Second
			r.inject(e.fake)
			inc := e.declare(bot.SEV2, "Disk full")
			e.drain()
			must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "Freed 20 GB"))
			for range 60 { // 5 minutes of the test clock
				e.clock.Advance(5 * time.Second)
				e.drain()
			}
			if got := e.fake.faults.Hits(); got != r.hits {
				t.Fatalf("the fault was injected %d times, want %d", got, r.hits)
			}
			is := e.checkOneIssue(inc.Number)
			if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "Freed 20 GB") {
				t.Fatalf("comments = %q, want the note once", is.Comments)
			}
			if dead := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(dead) != 0 {
				t.Fatalf("dead jobs: %+v", dead)
			}
		})
	}
}
