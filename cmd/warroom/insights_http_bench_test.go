package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/storage/sqlite"
)

// The insights API and page, /metrics and the incident list over the
// benchmark history (WARROOM_BENCH_N incidents; BENCHMARKS.md reports
// 1,000,000):
//
//	WARROOM_BENCH_N=1000000 go test ./cmd/warroom -run '^$' -bench 'InsightsHTTP|Scrape|ListFirst' -benchtime 10x -count 5

// benchMux serves the API and the console over the benchmark database.
func benchMux(b *testing.B) (*http.ServeMux, *sqlite.Store) {
	b.Helper()
	path := benchStore(b)
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	svc, err := bot.NewService(bot.Config{Now: func() time.Time { return benchEnd }}, st, log)
	if err != nil {
		b.Fatal(err)
	}
	router, err := commands.New(svc, commands.Config{}, log)
	if err != nil {
		b.Fatal(err)
	}
	figures := digest.NewBuilder(st, bot.DefaultSLAs(), nil)
	a, err := api.New(api.Config{Token: "bench-token-0123456789", Insights: figures, Now: func() time.Time { return benchEnd }}, svc, router, log)
	if err != nil {
		b.Fatal(err)
	}
	c, err := console.New(console.Config{Insights: figures}, svc, router, log)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	c.Register(mux)
	return mux, st
}

func benchGet(b *testing.B, mux http.Handler, path string, auth bool) {
	b.Helper()
	runtime.GC()
	b.ResetTimer()
	cpu := processCPU(b)
	for range b.N {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "127.0.0.1" // the loopback console answers only its own names
		if auth {
			req.Header.Set("Authorization", "Bearer bench-token-0123456789")
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	b.ReportMetric(maxRSSMB(), "maxrss-MB")
}

func BenchmarkInsightsHTTPAPI30d(b *testing.B) {
	mux, _ := benchMux(b)
	benchGet(b, mux, "/api/v1/insights?period=30d&now="+benchEnd.Format(time.RFC3339), true)
}

func BenchmarkInsightsHTTPPage30d(b *testing.B) {
	mux, _ := benchMux(b)
	benchGet(b, mux, "/insights?period=30d&now="+benchEnd.Format(time.RFC3339), false)
}

func BenchmarkListFirstPageFiltered(b *testing.B) {
	mux, _ := benchMux(b)
	for _, q := range []struct{ name, query string }{
		{"service", "status=all&service=svc-7"},
		{"severity+status", "status=closed&severity=SEV1"},
		{"severity+open", "severity=SEV1"},
		{"open", "status=open"},
		{"text", "status=all&q=incident+99999"},
		{"range", "status=all&from=2026-10-01&to=2026-10-07"},
	} {
		b.Run(q.name, func(b *testing.B) { benchGet(b, mux, "/incidents?"+q.query, false) })
	}
}

// BenchmarkScrape is one /metrics scrape with nothing changed since the
// last one (the KPI sums are cached).
func BenchmarkScrape(b *testing.B) {
	_, st := benchMux(b)
	w := outbox.New(outbox.Config{}, st, nil)
	m := newMetrics(st, w, time.Now, slog.New(slog.DiscardHandler))
	if _, err := m.reg.Gather(); err != nil { // the first scrape sums up
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	cpu := processCPU(b)
	for range b.N {
		if _, err := m.reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
}
