package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
)

// BenchmarkCommandPath measures declare → ack → resolve through bot.Service
// on a database file: three transactions per incident, each writing the
// incident, timeline, audit and outbox rows.
func BenchmarkCommandPath(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV2, Service: "payments", Actor: "alice"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "alice"); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "rolled back"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "incidents/s")
}

// BenchmarkCommandPathParallel runs the same path from several goroutines;
// their transactions queue on the one writer connection.
func BenchmarkCommandPathParallel(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV2, Actor: "alice"})
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "alice"); err != nil {
				b.Error(err)
				return
			}
			if _, err := svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "rolled back"); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "incidents/s")
}
