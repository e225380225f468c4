package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testOutboxConcurrentWorkers runs several workers against one outbox:
// every job runs exactly once, and jobs of one order key run one at a time,
// oldest first.
func testOutboxConcurrentWorkers(t *testing.T, s bot.Store) {
	const (
		keys    = 5
		perKey  = 8
		loose   = 20
		workers = 4
	)
	var jobs []*bot.Job
	for i := range perKey {
		for k := range keys {
			jobs = append(jobs, &bot.Job{Kind: bot.JobKind(fmt.Sprint("k", k, ".", i)), OrderKey: fmt.Sprint("key", k)})
		}
	}
	for range loose {
		jobs = append(jobs, &bot.Job{Kind: "loose"})
	}
	enqueue(t, s, jobs...)

	var (
		mu       sync.Mutex
		runs     = map[int64]int{}
		inFlight = map[string]bool{}
		lastDone = map[string]int64{}
		problems []string
	)
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := fmt.Sprint("w", w)
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				claimed, err := s.Claim(ctx, owner, "", t0, time.Hour, 3)
				if err != nil {
					mu.Lock()
					problems = append(problems, "claim: "+err.Error())
					mu.Unlock()
					return
				}
				mu.Lock()
				if len(runs) == len(jobs) && len(claimed) == 0 {
					mu.Unlock()
					return
				}
				for _, j := range claimed {
					runs[j.ID]++
					if k := j.OrderKey; k != "" {
						if inFlight[k] || lastDone[k] > j.ID {
							problems = append(problems, fmt.Sprintf("job %d of %s ran out of order", j.ID, k))
						}
						inFlight[k] = true
					}
				}
				mu.Unlock()
				for _, j := range claimed {
					mu.Lock()
					if k := j.OrderKey; k != "" {
						inFlight[k], lastDone[k] = false, j.ID
					}
					mu.Unlock()
					if err := s.Complete(ctx, j.ID, owner); err != nil {
						mu.Lock()
						problems = append(problems, "complete: "+err.Error())
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	for _, j := range jobs {
		if runs[j.ID] != 1 {
			t.Errorf("job %d (%s) ran %d times", j.ID, j.Kind, runs[j.ID])
		}
	}
	st, err := s.OutboxStats(ctx, t0)
	must(t, err)
	diff(t, "stats after the run", bot.OutboxStats{}, st)
}
