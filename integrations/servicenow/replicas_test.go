package servicenow_test

import (
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// replica opens a second warroom on e's database file, ServiceNow and
// clock: another process of the same deployment.
func (e *env) replica() *env {
	e.t.Helper()
	r := &env{t: e.t, ctx: e.ctx, clock: e.clock, path: e.path, fake: e.fake, logs: e.logs, cfg: e.cfg}
	r.open()
	e.t.Cleanup(func() { _ = r.store.Close() })
	return r
}

// TestReplicasRacingMakeOneRecord races, for many incidents, /incident
// ticket on one replica against the ticket sync job on another, with no
// record created yet: each incident gets exactly one ServiceNow record,
// linked, and /incident ticket answers with it whichever replica made it.
func TestReplicasRacingMakeOneRecord(t *testing.T) {
	a := newEnv(t, nil)
	b := a.replica()
	const n = 25
	var incs []*bot.Incident
	for range n {
		incs = append(incs, a.declare(bot.SEV3, "Checkout slow")) // below the threshold: no job of its own
	}
	replies := make([]error, n)
	for i, inc := range incs {
		if err := a.svc.RequestTicketSync(a.ctx, inc.Number, "servicenow"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			l, err := a.sn.Ticket(a.ctx, inc, "alice")
			if err == nil && l.ID == "" {
				t.Errorf("%s: /incident ticket answered no record", inc.Key())
			}
			replies[i] = err
		})
		wg.Go(func() { b.drain() })
		wg.Wait()
	}
	for range 10 {
		a.clock.Advance(5 * time.Second)
		a.drain()
		b.drain()
	}
	for i, inc := range incs {
		if replies[i] != nil {
			t.Errorf("%s: /incident ticket = %v, want the record (its own or the job's)", inc.Key(), replies[i])
		}
		a.checkOneRecord(inc.Number)
	}
}
