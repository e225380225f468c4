package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// cardBody is a console card as the console stores it (about 300 bytes).
const cardBody = `{"title":"SEV3 INC-%d: Checkout latency above SLO","fields":[{"label":"Status","value":"resolved"},` +
	`{"label":"Severity","value":"SEV3"},{"label":"Commander","value":"none"},{"label":"Started","value":"2026-12-07 06:12 UTC"}],` +
	`"severity":3,"incident":%d,"footer":"http://127.0.0.1:8080/incidents/INC-%d"}`

// cardMessage is the console card a delivery of j saves.
func cardMessage(j bot.Job) *bot.PostedMessage {
	now := time.Now().UTC()
	return &bot.PostedMessage{Platform: "console", Channel: "incidents", Ref: fmt.Sprintf("card:INC-%d", j.Incident),
		Incident: j.Incident, Body: fmt.Appendf(nil, cardBody, j.Incident, j.Incident, j.Incident), CreatedAt: now, UpdatedAt: now}
}

// BenchmarkPagesPerCommand counts the database pages SQLite writes per
// command: declare → ack → resolve through bot.Service from N goroutines,
// each change's outbox jobs delivered as the worker does with a slot free:
// written claimed by it in the change's commit and handed over (a job that
// could not be is claimed), their message saved and completed. The checkpointer is stopped and the WAL truncated
// first, so that every page written is a frame left in the -wal file; the
// log shows those frames per command by the B-tree each page belongs to.
//
//	go test -run '^$' -bench PagesPerCommand -benchtime 600x ./storage/sqlite/
func BenchmarkPagesPerCommand(b *testing.B) {
	for _, clients := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) { pagesPerCommand(b, clients) })
	}
}

// benchHandoff takes every due job as the worker's lane does while it has
// a slot free (engine/outbox): written claimed by "bench" in the
// enqueuing commit and handed over after it.
type benchHandoff struct {
	mu     sync.Mutex
	handed []bot.Job
}

func (h *benchHandoff) Reserve(*bot.Job) (string, time.Time, bool) {
	return "bench", time.Now().Add(time.Minute), true
}

func (h *benchHandoff) Deliver(jobs []bot.Job) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handed = append(h.handed, jobs...)
}

func (h *benchHandoff) Unreserve(string) {}

// due returns the jobs handed over and not yet delivered, and those a
// claim takes, as the worker delivers them: handed first.
func (h *benchHandoff) due(ctx context.Context, s *Store) ([]bot.Job, error) {
	h.mu.Lock()
	jobs := h.handed
	h.handed = nil
	h.mu.Unlock()
	claimed, err := s.Claim(ctx, "bench", "", time.Now(), time.Minute, 32)
	return append(jobs, claimed...), err
}

// pagesStore opens a database for counting the pages commands write: its
// checkpointer stopped and its WAL truncated, so that every page written
// is a frame left in the -wal file; and a service delivering to the
// console, its jobs handed to h. The store closes when b ends.
func pagesStore(b testing.TB) (s *Store, svc *bot.Service, h *benchHandoff, path string) {
	ctx := context.Background()
	path = filepath.Join(b.TempDir(), "pages.db")
	s, err := Open(ctx, Config{Path: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.ckpt.close(); err != nil {
		b.Fatal(err)
	}
	s.ckpt = nil
	h = &benchHandoff{}
	s.SetHandoff(h)
	if svc, err = bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`PRAGMA wal_autocheckpoint = 0`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	return s, svc, h, path
}

func pagesPerCommand(b *testing.B, clients int) {
	ctx := context.Background()
	s, svc, h, path := pagesStore(b)
	var pageSize int64
	if err := s.DB().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex // one worker drains at a time, as one lane does
	drain := func() error {
		mu.Lock()
		defer mu.Unlock()
		jobs, err := h.due(ctx, s)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if err := svc.SaveMessage(ctx, cardMessage(j)); err != nil {
				return err
			}
			if err := s.Complete(ctx, j.ID, "bench"); err != nil {
				return err
			}
		}
		return nil
	}
	incidents := max(1, (b.N+2)/3)
	var next sync.WaitGroup
	errs := make(chan error, clients)
	work := make(chan struct{}, incidents)
	for range incidents {
		work <- struct{}{}
	}
	close(work)
	b.ResetTimer()
	for range clients {
		next.Add(1)
		go func() {
			defer next.Done()
			for range work {
				inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV3, Actor: "alice"})
				if err == nil {
					err = drain()
				}
				if err == nil {
					_, err = svc.Ack(ctx, bot.Cause{}, inc.Number, "alice")
				}
				if err == nil {
					err = drain()
				}
				if err == nil {
					_, err = svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "rolled back")
				}
				if err == nil {
					err = drain()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	next.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		b.Fatal(err)
	}
	frames := (fi.Size() - 32) / (pageSize + 24)
	if b.N > 1 { // the run that is reported, not the one-iteration probe
		byTree, err := walPages(ctx, s.DB(), path+"-wal")
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("WAL frames per command by B-tree (%d commands): %s", 3*incidents, formatWALPages(byTree, float64(3*incidents)))
	}
	b.ReportMetric(float64(frames)/float64(3*incidents), "pages/command")
	b.ReportMetric(float64(frames*pageSize)/float64(3*incidents), "page-B/command")
	tx, calls := s.GroupStats()
	b.ReportMetric(float64(calls)/float64(max(tx, 1)), "calls/commit")
}
