package postgres_test

import (
	"context"
	"github.com/warroom/warroom/internal/testkit"
	"testing"

	"github.com/warroom/warroom/bot"
)

// BenchmarkCommandPath measures declare → ack → resolve through bot.Service
// on PostgreSQL: three transactions per incident.
func BenchmarkCommandPath(b *testing.B) {
	ctx := context.Background()
	s := open(b, testkit.PostgresSchema(b))
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

// BenchmarkCommandPathParallel runs the path from several goroutines, each
// on its own incidents.
func BenchmarkCommandPathParallel(b *testing.B) {
	ctx := context.Background()
	s := open(b, testkit.PostgresSchema(b))
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, s, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(4)
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
