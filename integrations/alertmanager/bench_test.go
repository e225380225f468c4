package alertmanager_test

import (
	"bytes"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/internal/loadgen"
)

// payload10 is an Alertmanager v4 delivery of 10 new firing alerts of
// group g (of 20), numbered from n.
func payload10(n int64) []byte {
	g := n % 20
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"version":"4","groupKey":"{}:{alertname=\"Bench%d\"}","status":"firing","receiver":"warroom","truncatedAlerts":0,"externalURL":"http://am","alerts":[`, g)
	for i := int64(0); i < 10; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"status":"firing","labels":{"alertname":"Bench%d","instance":"host-%d-%d","service":"svc%d","severity":"critical"},"annotations":{"summary":"bench alert"},"startsAt":"2026-11-22T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"fp%d-%d"}`, g, n, i, g, n, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
}

// BenchmarkHTTPSaturated: concurrent Alertmanager deliveries of 10 new
// alerts each, over HTTP, into the real Service on SQLite. A micro-benchmark
// for profiling: the receiver alone, without the server's middleware, the
// announcement target or the outbox worker. cmd/warroom's
// BenchmarkServeIngest and `make bench-peer` measure the shipped server.
func BenchmarkHTTPSaturated(b *testing.B) {
	e := newEnv(b)
	var seq atomic.Int64
	client := newClient()
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if code, answer := e.deliver(b, client, payload10(seq.Add(1))); code != 200 {
				b.Errorf("status %d: %s", code, answer)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*10)/time.Since(start).Seconds(), "alerts/s")
}

// BenchmarkHTTPPaced1000: deliveries of 10 alerts due at 1,000 per second
// for two seconds (b.N is ignored), open loop; reports the p99 and p50
// latency per delivery from each one's due time.
func BenchmarkHTTPPaced1000(b *testing.B) {
	e := newEnv(b)
	client := newClient()
	const rate, total = 1000, 2000
	b.ResetTimer()
	lat, failed := loadgen.Paced(rate, total, func(i int) error {
		if code, answer := e.deliver(b, client, payload10(int64(i))); code != 200 {
			return fmt.Errorf("status %d: %s", code, answer)
		}
		return nil
	})
	b.StopTimer()
	if failed > 0 {
		b.Fatalf("%d of %d deliveries failed", failed, total)
	}
	b.ReportMetric(float64(lat[total*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[total/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkDecode10: the decoder alone on a 10-alert delivery.
func BenchmarkDecode10(b *testing.B) {
	body := payload10(1)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := alertmanager.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
