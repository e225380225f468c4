package main

import (
	"os"
	"testing"
	"time"
)

// BenchmarkIdleMemory starts Debian's prometheus-alertmanager and
// `warroom serve` side by side, each with an empty store, and reads their
// resident memory when each answers ready and again after both were left
// idle for WARROOM_BENCH_IDLE (default 150s, past the garbage collection
// the Go runtime forces after two minutes without one: it reads type data
// all over the executable, which stays resident from then on): the same
// reading, the same moments, for both. The anonymous part (the processes' own memory, without
// their executables' pages) is reported beside it. Each round takes the
// idle window: run it with -benchtime 1x -count N and a -timeout above
// N windows (go test's default of 10 minutes fits three).
func BenchmarkIdleMemory(b *testing.B) {
	if _, err := os.Stat(alertmanagerBin); err != nil {
		b.Skipf("%s is missing", alertmanagerBin)
	}
	idle := 150 * time.Second
	if v := os.Getenv("WARROOM_BENCH_IDLE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("WARROOM_BENCH_IDLE: %v", err)
		}
		idle = d
	}
	bin := warroomBinary(b)
	var m struct{ amReady, ready, amIdle, wrIdle, amAnon, wrAnon float64 }
	mib := func(kib int) float64 { return float64(kib) / 1024 }
	for range b.N {
		am := startAlertmanager(b, "http://127.0.0.1:9/hook", "token")
		m.amReady += mib(residentKiB(am.pid))
		p, _ := serve(b, bin, b.TempDir())
		pid := p.cmd.Process.Pid
		m.ready += mib(residentKiB(pid))
		// a measurement window, not a wait for an event: what an idle
		// process holds once it has been idle a while
		time.Sleep(idle)
		m.amIdle += mib(residentKiB(am.pid))
		m.amAnon += mib(anonymousKiB(am.pid))
		m.wrIdle += mib(residentKiB(pid))
		m.wrAnon += mib(anonymousKiB(pid))
		p.stop(b, shutdownLimit)
	}
	n := float64(b.N)
	b.ReportMetric(m.amReady/n, "am-ready-MiB")
	b.ReportMetric(m.ready/n, "ready-MiB")
	b.ReportMetric(m.amIdle/n, "am-idle-MiB")
	b.ReportMetric(m.wrIdle/n, "idle-MiB")
	b.ReportMetric(m.amAnon/n, "am-idle-anon-MiB")
	b.ReportMetric(m.wrAnon/n, "idle-anon-MiB")
	b.ReportMetric(m.wrIdle/m.amIdle, "idle/am")
}
