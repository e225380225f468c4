package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/alertmanager"
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
// alone, no HTTP, no outbox worker) measures deliveries of 10 new alerts
// across 20 groups, sent by many concurrent senders, through decoding,
// routing, dedup, grouping and group commit into SQLite. Each delivery is
// Alertmanager's webhook body as it sends one (testdata/alertmanager-storm.json:
// node-exporter's filesystem alert, with start times, a long generator
// URL, a description and a summary), with its own instances and
// fingerprints; the route matches it, groups by cluster and declares. It
// reports alerts/s and alerts per transaction.
func BenchmarkHandleAlerts(b *testing.B) {
	for _, senders := range []int{8, 64, 256} {
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
	storm := stormBody(b)
	var seq atomic.Int64
	b.SetParallelism(max(1, senders/2)) // GOMAXPROCS is 2 here
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var body []byte
		for pb.Next() {
			body = stormDelivery(body[:0], storm, seq.Add(1))
			alerts, err := alertmanager.Decode(body)
			if err != nil {
				b.Error(err)
				return
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

// stormBody is testdata/alertmanager-storm.json as Alertmanager sends it
// (compact).
func stormBody(tb testing.TB) []byte {
	raw, err := os.ReadFile(filepath.Join("testdata", "alertmanager-storm.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// stormDelivery appends to dst delivery d of storm: group d % 20 (GROUP),
// and instances and fingerprints of its own (SEQ, eight hex digits spread
// like Alertmanager's hashes rather than counted).
func stormDelivery(dst, storm []byte, d int64) []byte {
	seq := fmt.Appendf(nil, "%08x", uint32(uint64(d)*0x9E3779B97F4A7C15>>32))
	group := strconv.AppendInt(nil, d%20, 10)
	for len(storm) > 0 {
		i := bytes.IndexAny(storm, "GS")
		if i < 0 {
			return append(dst, storm...)
		}
		dst = append(dst, storm[:i]...)
		switch rest := storm[i:]; {
		case bytes.HasPrefix(rest, []byte("GROUP")):
			dst, storm = append(dst, group...), rest[len("GROUP"):]
		case bytes.HasPrefix(rest, []byte("SEQ")):
			dst, storm = append(dst, seq...), rest[len("SEQ"):]
		default:
			dst, storm = append(dst, rest[0]), rest[1:]
		}
	}
	return dst
}

// TestStormDeliveries: the benchmark's deliveries decode to 10 new alerts
// each, of the group and with start times, the route's labels and a
// summary that is the title, as Alertmanager's would.
func TestStormDeliveries(t *testing.T) {
	storm := stormBody(t)
	seen := map[string]bool{}
	for d := range int64(40) {
		alerts, err := alertmanager.Decode(stormDelivery(nil, storm, d))
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 10 {
			t.Fatalf("delivery %d: %d alerts", d, len(alerts))
		}
		for _, a := range alerts {
			if seen[a.Fingerprint] || len(a.Fingerprint) != 16 {
				t.Errorf("delivery %d: fingerprint %q repeated or not 16 digits", d, a.Fingerprint)
			}
			seen[a.Fingerprint] = true
			if a.StartsAt.IsZero() || a.Labels["team"] != "db" || a.Labels["cluster"] != fmt.Sprintf("prod-eu-%d", d%20) ||
				a.Title != a.Annotations["summary"] || a.Annotations[bot.AnnotationSilence] == "" {
				t.Errorf("delivery %d: %+v", d, a)
			}
		}
	}
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
