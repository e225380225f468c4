package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/loadgen"
)

// BenchmarkServeIngestSync drives two servers side by side, one with
// db_synchronous: normal and one with full, in alternating 3 s rounds
// (closed loop, 8 and 32 senders, 10 alerts per request), and reports each
// one's alerts/s and full's rate as a fraction of normal's. Alternating
// rounds keep a noisy machine's drift out of the ratio.
func BenchmarkServeIngestSync(b *testing.B) {
	for _, senders := range []int{8, 32} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			normal := startAppWrapped(b, nil, "WARROOM_WEBHOOK_TOKEN", benchWebhookToken, "WARROOM_DB_SYNCHRONOUS", "normal")
			full := startAppWrapped(b, nil, "WARROOM_WEBHOOK_TOKEN", benchWebhookToken, "WARROOM_DB_SYNCHRONOUS", "full")
			client := loadgen.Client(senders)
			rate := func(r *running) float64 {
				res, err := loadgen.Closed(context.Background(), client, ingestTarget(b, r), senders, 3*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				if res.Failed > 0 {
					b.Fatalf("%d of %d requests failed: %s", res.Failed, res.Sent, res.FirstErr)
				}
				return res.AlertsPerSec()
			}
			var sumNormal, sumFull float64
			for b.Loop() {
				sumNormal += rate(normal)
				sumFull += rate(full)
			}
			b.ReportMetric(sumNormal/float64(b.N), "normal-alerts/s")
			b.ReportMetric(sumFull/float64(b.N), "full-alerts/s")
			b.ReportMetric(sumFull/sumNormal, "full/normal")
		})
	}
}
