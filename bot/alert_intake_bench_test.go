package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/loadgen"
	"github.com/warroom/warroom/storage/sqlite"
)

// txCounter counts a store's transactions, to report alerts per group commit.
type txCounter struct {
	bot.Store
	n atomic.Int64
}

func (s *txCounter) InTx(ctx context.Context, fn func(tx bot.Tx) error) error {
	s.n.Add(1)
	return s.Store.InTx(ctx, fn)
}

// BenchmarkHandleAlerts (a micro-benchmark for profiling: the Service
// alone, no HTTP, no outbox worker) measures deliveries of 10 new alerts (Alertmanager's
// usual payload) across 20 groups, sent by many concurrent senders, through
// routing, dedup, grouping and group commit into SQLite. It reports
// alerts/s and alerts per transaction.
func BenchmarkHandleAlerts(b *testing.B) {
	for _, senders := range []int{64, 256} {
		for _, sync := range []string{"NORMAL", "FULL"} {
			b.Run(fmt.Sprintf("senders=%d/synchronous=%s", senders, sync), func(b *testing.B) {
				benchHandleAlerts(b, senders, sync)
			})
		}
	}
}

func benchHandleAlerts(b *testing.B, senders int, sync string) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(b.TempDir(), "w.db"), Synchronous: sync}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	counted := &txCounter{Store: st}
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Alerts: bot.AlertConfig{Routes: []bot.Route{
		{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=~", Value: "db|storage"}}, GroupBy: []string{"cluster"}, AutoDeclare: true},
	}}}, counted, nil)
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism(max(1, senders/2)) // GOMAXPROCS is 2 here
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d := seq.Add(1)
			g := d % 20
			alerts := make([]bot.Alert, 10)
			for i := range alerts {
				// Fingerprints are spread like Alertmanager's (hashes), not sequential.
				alerts[i] = bot.Alert{
					Source: "alertmanager", Fingerprint: fmt.Sprintf("%016x", uint64(d*10+int64(i))*0x9E3779B97F4A7C15), Status: bot.AlertFiring,
					GroupKey: fmt.Sprintf("{}:{alertname=\"A%d\"}", g), Title: "Instance down",
					Labels: map[string]string{"alertname": fmt.Sprintf("A%d", g), "instance": fmt.Sprintf("host%d:9100", i),
						"job": "node", "severity": "critical", "team": "web"},
					Annotations: map[string]string{"summary": "Instance down", "runbook_url": "https://runbooks/x"},
				}
			}
			if _, err := svc.HandleAlerts(ctx, bot.Cause{}, alerts); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "alerts/s")
	b.ReportMetric(float64(b.N*10)/float64(counted.n.Load()), "alerts/tx")
}

// BenchmarkHandleAlertsLatency sends deliveries of 10 alerts due at 1,000
// per second for two seconds per round (open loop) and reports the p50 and
// p99 time to commit, from each delivery's due time.
func BenchmarkHandleAlertsLatency(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(b.TempDir(), "w.db")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	const rate, secs = 1000, 2
	var lat []time.Duration
	var seq atomic.Int64
	b.ResetTimer()
	for range b.N {
		l, failed := loadgen.Paced(rate, rate*secs, func(int) error {
			d := seq.Add(1)
			alerts := make([]bot.Alert, 10)
			for i := range alerts {
				alerts[i] = bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprintf("%x-%d", d, i), Status: bot.AlertFiring,
					GroupKey: fmt.Sprintf("g%d", d%20), Labels: map[string]string{"alertname": "A", "instance": fmt.Sprint(i)}}
			}
			_, err := svc.HandleAlerts(ctx, bot.Cause{}, alerts)
			return err
		})
		if failed > 0 {
			b.Fatalf("%d deliveries failed", failed)
		}
		lat = append(lat, l...)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
