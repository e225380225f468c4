package jira_test

import (
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// replica opens a second warroom on e's database, Jira and clock: another
// process of the same deployment.
func (e *env) replica() *env {
	e.t.Helper()
	r := &env{t: e.t, ctx: e.ctx, clock: e.clock, path: e.path, dsn: e.dsn, fake: e.fake, logs: e.logs, cfg: e.cfg}
	r.open()
	e.t.Cleanup(func() { _ = r.store.Close() })
	return r
}

// TestReplicasRacingMakeOneIssue races, for many incidents, /incident
// ticket on one replica against the ticket sync job on another, with no
// create recorded yet and Jira's search lagging well behind: each incident
// gets exactly one issue, linked, and the loser adopts the winner's. On
// SQLite, and on PostgreSQL when WARROOM_TEST_POSTGRES holds a DSN.
func TestReplicasRacingMakeOneIssue(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			a := newEnv(t, nil)
			if db == "postgres" {
				a.dsn = testkit.PostgresSchema(t)
				a.restart()
			}
			a.fake.searchLag = 90 * time.Second // the loser cannot find the winner's issue by search
			b := a.replica()
			const n = 25
			var incs []*bot.Incident
			for range n {
				incs = append(incs, a.declare(bot.SEV3, "Checkout slow")) // below the threshold: no job of its own
			}
			replies := make([]error, n)
			for i, inc := range incs {
				if err := a.svc.RequestTicketSync(a.ctx, inc.Number, "jira"); err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				wg.Go(func() {
					l, err := a.j.Ticket(a.ctx, inc, "alice")
					if err == nil && l.ID == "" {
						t.Errorf("%s: /incident ticket answered no issue", inc.Key())
					}
					replies[i] = err
				})
				wg.Go(func() { b.drain() })
				wg.Wait()
			}
			for range 40 {
				a.clock.Advance(5 * time.Second)
				a.drain()
				b.drain()
			}
			for i, inc := range incs {
				if replies[i] != nil {
					t.Errorf("%s: /incident ticket = %v, want the issue (its own or the job's)", inc.Key(), replies[i])
				}
				a.checkOneIssue(inc.Number)
			}
			if got := len(a.fake.log()); got == 0 {
				t.Fatal("no writes reached Jira")
			}
		})
	}
}
