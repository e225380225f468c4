package pagerduty_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/faulttest"
	"github.com/warroom/warroom/integrations/pagerduty"
)

// TestFaultsDeliverExactlyOnce: whatever fault meets the page (the Events
// API's enqueue), once it clears PagerDuty holds exactly one incident for
// the dedup key, and no job is dead.
func TestFaultsDeliverExactlyOnce(t *testing.T) {
	type row struct {
		name   string
		inject func(f *fakePD)
		hits   int // calls the injector must have failed
	}
	var rows []row
	for _, fault := range faulttest.All {
		rows = append(rows, row{fault.String(), func(f *fakePD) { f.faults.Inject("POST", "/v2/enqueue", fault, 1) }, 1})
	}
	rows = append(rows,
		row{"429", func(f *fakePD) { f.failNext(http.StatusTooManyRequests) }, 0},
		row{"502", func(f *fakePD) { f.failNext(http.StatusBadGateway) }, 0},
	)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			e := newEnv(t, func(c *pagerduty.Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} })
			r.inject(e.fake)
			inc := e.declare(bot.SEV1, "Checkout down")
			for range 20 {
				e.clock.Advance(30 * time.Second)
				e.drain()
			}
			if n := e.fake.faults.Hits(); n != r.hits {
				t.Fatalf("the fault was injected %d times, want %d", n, r.hits)
			}
			got := e.fake.byDedupKey()
			if len(got) != 1 || got[inc.Key()] != 1 {
				t.Fatalf("PagerDuty incidents by dedup key = %v, want one for %s", got, inc.Key())
			}
			if dead, err := e.store.DeadJobs(context.Background(), 10); err != nil || len(dead) != 0 {
				t.Fatalf("dead jobs %+v (%v)", dead, err)
			}
		})
	}
}
