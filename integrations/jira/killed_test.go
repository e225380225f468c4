package jira_test

import (
	"github.com/warroom/warroom/internal/testkit"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for a scratch schema

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/faulttest"
)

// TestKilledMidCreateMakesOneIssue simulates kill -9 while the issue's
// create is in flight: Jira creates it but the answer is lost, and the
// worker's failpoint drops the job's outcome, as a killed process records
// nothing. A new process on the same database takes the job over after its
// lease, while Jira's search still lags and someone asks for the ticket:
// one issue, the note once. On
// SQLite, and on PostgreSQL when WARROOM_TEST_POSTGRES holds a DSN.
func TestKilledMidCreateMakesOneIssue(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			e := newEnv(t, nil)
			if db == "postgres" {
				e.dsn = testkit.PostgresSchema(t)
			}
			e.fake.searchLag = 40 * time.Second
			e.fake.faults.Inject("POST", "/rest/api/2/issue", faulttest.WorkThenReset, 1)
			killed := 0
			e.failpoint = func(bot.Job, error) bool { killed++; return true }
			e.restart()
			inc := e.declare(bot.SEV1, "Payments down")
			e.drain()
			if killed != 1 || len(e.fake.withLabel("warroom-inc-1")) != 1 {
				t.Fatalf("killed %d times, %d issues; want the create made and the process killed once", killed, len(e.fake.withLabel("warroom-inc-1")))
			}
			must[*bot.Incident](t)(e.svc.AddNote(e.ctx, inc.Number, "bob", "Failing over"))

			e.failpoint = nil
			e.restart() // a new process on the same database
			if n := e.drain(); n != 0 {
				t.Fatalf("%d jobs ran while the dead process's lease held", n)
			}
			// Someone asks for the ticket while the search does not show it
			// yet, and the create is past its call timeout (no longer in flight).
			e.clock.Advance(15 * time.Second)
			if _, err := e.j.Ticket(e.ctx, e.get(inc.Number), "alice"); bot.ErrorCode(err) != bot.CodeUnavailable {
				t.Fatalf("/incident ticket during the reconcile = %v, want unavailable (no second create)", err)
			}
			for range 40 {
				e.clock.Advance(5 * time.Second)
				e.drain()
			}
			is := e.checkOneIssue(inc.Number)
			if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "Failing over") {
				t.Fatalf("comments = %q", is.Comments)
			}
		})
	}
}
