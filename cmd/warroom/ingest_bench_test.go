package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/loadgen"
)

// The ingest benchmarks below run the App exactly as `warroom serve`
// builds it (announcements to the console's #incidents, the outbox worker
// and scheduler running, every HTTP middleware in place, SQLite on disk)
// and drive POST /webhooks/alertmanager over loopback with the load
// generator of `make bench-peer` (internal/loadgen), 10 alerts per request.
// The generator shares the process, so the CPU figure is the whole
// process's: `make bench-peer` measures the server's own CPU and compares
// it with Alertmanager's. In-process micro-benchmarks of the same path
// (bot's BenchmarkHandleAlerts, alertmanager's BenchmarkHTTPSaturated) are
// for profiling only.

const benchWebhookToken = "bench-webhook-token"

func ingestTarget(b testing.TB, r *running) loadgen.Target {
	bodies, err := loadgen.NewBodies(loadgen.Webhook, 10)
	if err != nil {
		b.Fatal(err)
	}
	return loadgen.Target{Name: "warroom", URL: r.url + "/webhooks/alertmanager", Token: benchWebhookToken, Bodies: bodies}
}

// BenchmarkServeIngest: closed loop, 8 and 32 senders, for 3 s per
// iteration; reports alerts/s and process CPU per request.
func BenchmarkServeIngest(b *testing.B) {
	for _, senders := range []int{8, 32} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			r := startAppWrapped(b, nil, "WARROOM_WEBHOOK_TOKEN", benchWebhookToken)
			client := loadgen.Client(senders)
			var alerts, cpu float64
			var reqs int64
			for b.Loop() {
				t := ingestTarget(b, r)
				before := processCPU(b)
				res, err := loadgen.Closed(context.Background(), client, t, senders, 3*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				if res.Failed > 0 {
					b.Fatalf("%d of %d requests failed: %s", res.Failed, res.Sent, res.FirstErr)
				}
				cpu += float64(processCPU(b) - before)
				alerts += res.AlertsPerSec()
				reqs += res.OK
			}
			b.ReportMetric(alerts/float64(b.N), "alerts/s")
			b.ReportMetric(cpu/float64(reqs)/1e3, "process-cpu-µs/req")
		})
	}
}

// BenchmarkServeIngestLatency: open loop at 300 requests/s (3,000 alerts/s)
// for 3 s per iteration; latency from each request's intended send time.
func BenchmarkServeIngestLatency(b *testing.B) {
	r := startAppWrapped(b, nil, "WARROOM_WEBHOOK_TOKEN", benchWebhookToken)
	client := loadgen.Client(64)
	var lat []time.Duration
	for b.Loop() {
		res, err := loadgen.Open(context.Background(), client, ingestTarget(b, r), 300, 3*time.Second, 64)
		if err != nil {
			b.Fatal(err)
		}
		if res.Failed > 0 {
			b.Fatalf("%d of %d requests failed: %s", res.Failed, res.Sent, res.FirstErr)
		}
		lat = append(lat, res.Latencies...)
	}
	all := loadgen.Result{Latencies: lat}
	all.Sort()
	b.ReportMetric(float64(all.Quantile(0.5).Microseconds())/1e3, "p50-ms")
	b.ReportMetric(float64(all.Quantile(0.99).Microseconds())/1e3, "p99-ms")
	b.ReportMetric(float64(all.Quantile(1).Microseconds())/1e3, "max-ms")
}

func processCPU(b *testing.B) time.Duration {
	d, err := loadgen.ProcessCPU(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	return d
}
