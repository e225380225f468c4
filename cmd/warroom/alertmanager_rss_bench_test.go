package main

import (
	"os"
	"testing"
)

// BenchmarkAlertmanagerIdle measures Debian's prometheus-alertmanager the
// way BenchmarkServeStartup measures warroom: resident memory once it
// answers ready, with a one-receiver configuration. BENCHMARKS.md compares
// the two.
func BenchmarkAlertmanagerIdle(b *testing.B) {
	if _, err := os.Stat(alertmanagerBin); err != nil {
		b.Skipf("%s is missing", alertmanagerBin)
	}
	var rss float64
	for range b.N {
		am := startAlertmanager(b, "http://127.0.0.1:9/hook", "token")
		rss += float64(residentKiB(am.pid)) / 1024
	}
	b.ReportMetric(rss/float64(b.N), "rss-MiB")
}
