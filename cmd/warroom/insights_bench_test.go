package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/history"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/integrations/chart"
	"github.com/warroom/warroom/storage/sqlite"
)

// Insights benchmarks. WARROOM_BENCH_N sets how many incidents (default
// 20000; BENCHMARKS.md reports 1000000), spread over the year before
// benchEnd. The database is built once per process by `warroom import` of
// a generated CSV file, which BenchmarkImport times.
//
//	WARROOM_BENCH_N=1000000 go test ./cmd/warroom -run '^$' -bench 'Import|Digest' -benchtime 1x
//	WARROOM_BENCH_N=1000000 go test ./cmd/warroom -run '^$' -bench 'Digest' -benchtime 10x

var benchEnd = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("WARROOM_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// writeHistory writes n incidents as an export CSV.
func writeHistory(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintln(bw, "key,title,severity,status,service,source,started_at,declared_at,acknowledged_at,resolved_at,closed_at,commander")
	r := rand.New(rand.NewPCG(1, 2))
	span := int64(365 * 24 * time.Hour / time.Second)
	for i := 1; i <= n; i++ {
		decl := benchEnd.Add(-time.Duration(span-int64(i)*span/int64(n)) * time.Second)
		sev := 1 + r.IntN(4)
		ack := decl.Add(time.Duration(30+r.IntN(3600)) * time.Second)
		res := ack.Add(time.Duration(600+r.IntN(36000)) * time.Second)
		status, resolved, closed := "closed", res.Format(time.RFC3339), res.Add(time.Hour).Format(time.RFC3339)
		if i > n-n/200 { // the newest half percent is still open
			status, resolved, closed = "investigating", "", ""
		}
		fmt.Fprintf(bw, "INC-%d,Incident %d,SEV%d,%s,svc-%d,alertmanager,%s,%s,%s,%s,%s,oncall-%d\n",
			i, i, sev, status, r.IntN(50), decl.Add(-time.Duration(r.IntN(600))*time.Second).Format(time.RFC3339),
			decl.Format(time.RFC3339), ack.Format(time.RFC3339), resolved, closed, r.IntN(20))
	}
	return bw.Flush()
}

var (
	benchOnce sync.Once
	benchDB   string
	benchErr  error
	benchDur  time.Duration
)

// benchStore imports the history once and returns the database path.
// WARROOM_BENCH_DB names a database file to keep: imported into when it
// does not exist, used as it is when it does (it must hold
// WARROOM_BENCH_N incidents), so that runs skip the import.
func benchStore(b *testing.B) string {
	benchOnce.Do(func() {
		if keep := os.Getenv("WARROOM_BENCH_DB"); keep != "" {
			if _, err := os.Stat(keep); err == nil {
				benchDB = keep
				return
			}
		}
		dir, err := os.MkdirTemp("", "warroom-bench")
		if err != nil {
			benchErr = err
			return
		}
		csvPath := filepath.Join(dir, "history.csv")
		f, err := os.Create(csvPath)
		if err != nil {
			benchErr = err
			return
		}
		if err := writeHistory(f, benchN()); err != nil {
			benchErr = err
			return
		}
		f.Close()
		benchDB = filepath.Join(dir, "w.db")
		if keep := os.Getenv("WARROOM_BENCH_DB"); keep != "" {
			benchDB = keep
		}
		st, err := sqlite.Open(context.Background(), sqlite.Config{Path: benchDB}, nil)
		if err != nil {
			benchErr = err
			return
		}
		defer st.Close()
		start := time.Now()
		res, err := importCSV(st, csvPath)
		benchDur = time.Since(start)
		if err == nil && res.Created != benchN() {
			err = fmt.Errorf("imported %d of %d", res.Created, benchN())
		}
		benchErr = err
		os.Remove(csvPath)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

// importCSV imports the export CSV at path, as `warroom import` does.
func importCSV(st history.ImportStore, path string) (history.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return history.Result{}, err
	}
	defer f.Close()
	return history.Import(context.Background(), st, f, history.ImportOptions{Name: path, Format: "csv", Now: benchEnd})
}

// reportCPU reports the process's CPU time per operation since start: on
// a shared machine it moves less with the others' load than the
// wall-clock time.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(processCPU(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

func maxRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// BenchmarkImport reports the import of WARROOM_BENCH_N rows (validation
// pass, then one transaction of 1000-row inserts).
func BenchmarkImport(b *testing.B) {
	benchStore(b)
	for range b.N {
	}
	b.ReportMetric(benchDur.Seconds(), "import-s")
	b.ReportMetric(float64(benchN())/benchDur.Seconds(), "rows/s")
	b.ReportMetric(maxRSSMB(), "maxrss-MB")
}

func benchDigest(b *testing.B, period time.Duration) {
	path := benchStore(b)
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	builder := digest.NewBuilder(st, bot.DefaultSLAs(), chart.Draw)
	o := digest.Options{Period: period, End: benchEnd, Location: time.UTC}
	runtime.GC()
	b.ResetTimer()
	cpu := processCPU(b)
	var d *digest.Digest
	for range b.N {
		if d, err = builder.Build(context.Background(), o); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportCPU(b, cpu)
	if d.Report.Total == 0 || d.Chart == nil {
		b.Fatalf("empty digest: %d incidents", d.Report.Total)
	}
	b.ReportMetric(float64(d.Report.Total), "incidents")
	b.ReportMetric(maxRSSMB(), "maxrss-MB")
}

func BenchmarkDigest30d(b *testing.B)     { benchDigest(b, 30*kpi.Day) }
func BenchmarkDigestAllTime(b *testing.B) { benchDigest(b, 0) }

// BenchmarkExport streams every incident as CSV.
func BenchmarkExport(b *testing.B) {
	path := benchStore(b)
	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	o := history.ExportOptions{Format: "csv", Now: benchEnd, SLAs: bot.DefaultSLAs()}
	b.ResetTimer()
	for range b.N {
		if _, err := history.Export(context.Background(), st, io.Discard, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(maxRSSMB(), "maxrss-MB")
}
