package sqlite

import (
	"context"
	"sort"
	"testing"

	"github.com/warroom/warroom/bot"
)

// BenchmarkPagesPerStep is BenchmarkPagesPerCommand at one client, each
// step its own commit (no completion shares the next commit), with the
// WAL's new frames read after every step: each frame counts for the
// B-tree its page belonged to when it was written, where the whole -wal
// file read at the end counts pages the outbox wrote and freed for the
// B-tree that reused them. It logs the pages per incident by B-tree of
// each command and of its jobs' deliveries (claims, messages and
// completions; claims of jobs not handed over); pages/incident is the sum.
//
//	go test -run '^$' -bench PagesPerStep -benchtime 100x ./storage/sqlite/
func BenchmarkPagesPerStep(b *testing.B) {
	ctx := context.Background()
	s, svc, h, path := pagesStore(b)
	var (
		off   int64
		steps = map[string]map[string]int{}
	)
	step := func(name string, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if steps[name] == nil {
			steps[name] = map[string]int{}
		}
		if off, err = walPagesFrom(ctx, s.DB(), path+"-wal", off, steps[name]); err != nil {
			b.Fatal(err)
		}
	}
	drain := func(after string) {
		jobs, err := h.due(ctx, s)
		step(after+": deliveries", err)
		for _, j := range jobs {
			step(after+": deliveries", svc.SaveMessage(ctx, cardMessage(j)))
			step(after+": deliveries", s.Complete(ctx, j.ID, "bench"))
		}
	}
	b.ResetTimer()
	for range b.N {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV3, Actor: "alice"})
		step("1 declare", err)
		drain("1 declare")
		_, err = svc.Ack(ctx, bot.Cause{}, inc.Number, "alice")
		step("2 ack", err)
		drain("2 ack")
		_, err = svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "rolled back")
		step("3 resolve", err)
		drain("3 resolve")
	}
	b.StopTimer()
	names := make([]string, 0, len(steps))
	total := 0
	for n, byTree := range steps {
		names = append(names, n)
		for _, c := range byTree {
			total += c
		}
	}
	sort.Strings(names)
	if b.N > 1 {
		for _, n := range names {
			b.Logf("%s: %s", n, formatWALPages(steps[n], float64(b.N)))
		}
	}
	b.ReportMetric(float64(total)/float64(b.N), "pages/incident")
	b.ReportMetric(float64(total)/float64(3*b.N), "pages/command")
}
