package servicenow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/faulttest"
	"github.com/warroom/warroom/integrations/servicenow"
)

// TestFaultsDeliverExactlyOnce: whatever fault meets the record's create
// or a work note, once it clears there is exactly one record for the
// incident (found again by correlation_id), the note once, no dead job.
func TestFaultsDeliverExactlyOnce(t *testing.T) {
	for _, call := range []struct{ name, method, path string }{
		{"create", "POST", "/api/now/table/incident"},
		{"work note", "PATCH", "/api/now/table/incident/"},
	} {
		for _, fault := range faulttest.All {
			t.Run(call.name+"/"+fault.String(), func(t *testing.T) {
				e := newEnv(t, func(c *servicenow.Config) { c.Timeout = 300 * time.Millisecond })
				inc := e.declare(bot.SEV2, "Orders failing")
				if call.name == "work note" {
					e.drain()
				}
				e.fake.faults.Inject(call.method, call.path, fault, 1)
				must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "Restarted the pods"))
				for range 30 { // 15 minutes of the test clock
					e.clock.Advance(30 * time.Second)
					e.drain()
				}
				if e.fake.faults.Hits() != 1 {
					t.Fatalf("the fault was injected %d times, want 1", e.fake.faults.Hits())
				}
				rec := e.checkOneRecord(inc.Number)
				var n int
				for _, note := range e.fake.notes(rec["sys_id"]) {
					if strings.Contains(note, "Restarted the pods") {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("the note was written %d times, want once: %q", n, e.fake.notes(rec["sys_id"]))
				}
				if dead := must[[]bot.Job](t)(e.store.DeadJobs(e.ctx, 10)); len(dead) != 0 {
					t.Fatalf("dead jobs: %+v", dead)
				}
			})
		}
	}
}
