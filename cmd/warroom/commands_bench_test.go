package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testkit"
)

// The command benchmarks drive the shipped `warroom serve` (built binary,
// console announcements on, outbox worker running, the HTTP middleware in
// place) with declare → ack → resolve over POST /api/v1/commands from N
// clients, and a bare Go handler with the same clients and bodies, so that
// the ratio between them carries over from a busy machine to an idle one.
//
//	go test -run '^$' -bench 'ServeCommands|BareHandler' -benchtime 3000x ./cmd/warroom/
//
// -benchtime counts commands. With WARROOM_TEST_POSTGRES set the PostgreSQL
// variants run too.

var benchClients = []int{1, 4, 16}

// BenchmarkServeCommandsSQLite reports commands/s, the bytes the server
// process wrote to storage per command (/proc/PID/io write_bytes: WAL
// frames and checkpoints), and the database's size per incident (each
// declared, acknowledged and resolved, its cards posted) after shutdown,
// by table (dbstatTables). The server stops once its outbox is empty, so
// that the size counts posted messages rather than the jobs still queued
// when the drive ended, at any number of clients.
func BenchmarkServeCommandsSQLite(b *testing.B) {
	bin := warroomBinary(b)
	// An empty database's size, taken off what the incidents add.
	emptyDir := b.TempDir()
	serveWith(b, bin, emptyDir).stop(b, shutdownLimit)
	empty := dbstatTables(b, emptyDir)
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			dir := b.TempDir()
			p := serveWith(b, bin, dir, "WARROOM_API_TOKEN="+testToken)
			written, cpu := procWriteBytes(p.cmd.Process.Pid), procCPU(p.cmd.Process.Pid)
			incidents := driveCommands(b, p.url, clients)
			written, cpu = procWriteBytes(p.cmd.Process.Pid)-written, procCPU(p.cmd.Process.Pid)-cpu
			jobs := outboxJobs(b, p.url)
			drainOutbox(b, p.url)
			p.stop(b, shutdownLimit)
			b.ReportMetric(float64(cpu.Microseconds())/float64(3*incidents), "server-CPU-µs/command")
			b.ReportMetric(float64(jobs)/float64(incidents), "jobs/incident")
			b.ReportMetric(float64(written)/float64(3*incidents), "written-B/command")
			b.ReportMetric(float64(sqliteBytes(b, dir)-empty.total())/float64(incidents), "files-B/incident")
			dbstatTables(b, dir).report(b, empty, incidents)
		})
	}
}

// BenchmarkServeCommandsPostgres is the same on PostgreSQL (a schema of
// its own in WARROOM_TEST_POSTGRES's database). WARROOM_DB_MAX_CONNS and
// WARROOM_DB_SYNCHRONOUS_COMMIT, when set, are passed on to the server.
// With WARROOM_BENCH_ROUND_TRIPS=1 the server talks to PostgreSQL through
// a relay that counts round trips (pgRelay) until the outbox is drained,
// reported per incident, the largest kinds written to stderr; the relay's
// copying costs time, so commands/s of such a run are not comparable with
// one without it.
func BenchmarkServeCommandsPostgres(b *testing.B) {
	testkit.PostgresDSN(b) // skips without a server
	bin := warroomBinary(b)
	env := []string{"WARROOM_API_TOKEN=" + testToken}
	for _, k := range []string{"WARROOM_DB_MAX_CONNS", "WARROOM_DB_SYNCHRONOUS_COMMIT"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	count := os.Getenv("WARROOM_BENCH_ROUND_TRIPS") == "1"
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			dsn := testkit.PostgresSchema(b)
			var relay *pgRelay
			if count {
				relay, dsn = newPGRelay(b, dsn)
			}
			p := serveWith(b, bin, b.TempDir(), append(env, "WARROOM_DB="+dsn)...)
			if relay != nil {
				relay.take() // start-up and migrations
			}
			cpu := procCPU(p.cmd.Process.Pid)
			incidents := driveCommands(b, p.url, clients)
			cpu = procCPU(p.cmd.Process.Pid) - cpu
			if relay != nil {
				// Every job delivered: a delivery the commands left behind
				// counts with its incident.
				drainOutbox(b, p.url)
				trips, txs := relay.take()
				reportTrips(b, trips, txs, incidents)
			}
			p.stop(b, shutdownLimit)
			b.ReportMetric(float64(cpu.Microseconds())/float64(3*incidents), "server-CPU-µs/command")
		})
	}
}

// BenchmarkBareHandler is the yardstick: a Go handler that reads the same
// JSON body and answers a small JSON reply, nothing else.
func BenchmarkBareHandler(b *testing.B) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"incident":{"key":"INC-%d"}}`, n.Add(1))
	}))
	defer srv.Close()
	for _, clients := range benchClients {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			driveCommands(b, srv.URL, clients)
		})
	}
}

// driveCommands sends b.N commands (rounded up to whole incidents:
// declare, ack, resolve) from clients goroutines, reports commands/s and
// returns the number of incidents.
func driveCommands(b *testing.B, url string, clients int) int {
	b.Helper()
	incidents := max(1, (b.N+2)/3)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for int(next.Add(1)) <= incidents {
				key, err := postCommand(client, url, "/incident declare sev3 Checkout latency above SLO")
				if err == nil {
					_, err = postCommand(client, url, "/incident ack "+key)
				}
				if err == nil {
					_, err = postCommand(client, url, "/incident resolve "+key+" rolled back")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(3*incidents)/took.Seconds(), "commands/s")
	return incidents
}

// outboxJobs is how many outbox jobs the server delivered or still holds
// (its /metrics): once the commands have stopped, what it holds is final,
// so the count does not move with the machine's load.
func outboxJobs(b *testing.B, url string) int64 {
	b.Helper()
	text, ok := metricsText(b, url)
	if !ok {
		b.Fatal("GET /metrics failed")
	}
	return metricValue(text, "warroom_outbox_delivered_total") + metricValue(text, "warroom_outbox_pending_jobs")
}

// metricsText is the server's /metrics, and whether it answered 200.
func metricsText(b *testing.B, url string) (string, bool) {
	b.Helper()
	req, err := http.NewRequest("GET", url+"/metrics", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err == nil && resp.StatusCode == http.StatusOK
}

// drainOutbox waits, up to a minute, for the server to deliver every
// outbox job it holds.
func drainOutbox(b *testing.B, url string) {
	b.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		pending, ok := outboxPending(b, url)
		if ok && pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d outbox jobs still pending after a minute", pending)
		}
		time.Sleep(50 * time.Millisecond) // polling a separate process
	}
}

// outboxPending is the server's warroom_outbox_pending_jobs, and whether
// /metrics answered.
func outboxPending(b *testing.B, url string) (int64, bool) {
	b.Helper()
	text, ok := metricsText(b, url)
	return metricValue(text, "warroom_outbox_pending_jobs"), ok
}

// metricValue is the value of an unlabelled metric in a /metrics text, or
// 0 when it is not there.
func metricValue(text, name string) int64 {
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			fmt.Sscanf(strings.TrimSpace(v), "%g", &f)
			return int64(f)
		}
	}
	return 0
}

// procWriteBytes is what a process caused to be written to storage so far
// (/proc/PID/io write_bytes; 0 where that is not available).
func procWriteBytes(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "write_bytes:"); ok {
			var n int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &n)
			return n
		}
	}
	return 0
}

// procCPU is the CPU time (user and system) a process used so far, from
// /proc/PID/stat in clock ticks of 10 ms; 0 where that is not available.
// Unlike commands/s it moves little with the machine's load.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscanf(f[11], "%d", &utime)
	fmt.Sscanf(f[12], "%d", &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// sqliteBytes is the size of the database's files in dir.
func sqliteBytes(b *testing.B, dir string) int64 {
	b.Helper()
	var total int64
	for _, name := range []string{"warroom.db", "warroom.db-wal"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// BenchmarkAppCommands is BenchmarkServeCommandsSQLite with the App in the
// benchmark's process (same wiring as `warroom serve`), for -cpuprofile.
func BenchmarkAppCommands(b *testing.B) {
	benchAppCommands(b, filepath.Join(b.TempDir(), "warroom.db"))
}

// BenchmarkAppCommandsPostgres is BenchmarkAppCommands on PostgreSQL.
func BenchmarkAppCommandsPostgres(b *testing.B) {
	testkit.PostgresDSN(b) // skips without a server
	benchAppCommands(b, testkit.PostgresSchema(b))
}

func benchAppCommands(b *testing.B, db string) {
	cfg, err := config.Load("", env("WARROOM_ADDR", "127.0.0.1:0", "WARROOM_DB", db,
		"WARROOM_API_TOKEN", testToken))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	defer func() {
		cancel()
		<-done
		_ = app.Close()
	}()
	driveCommands(b, app.URL(), 8)
}

// BenchmarkServeStartupHistory is BenchmarkServeStartup on the database of
// WARROOM_BENCH_N imported incidents (see benchStore): start-up must not
// grow with history.
//
//	WARROOM_BENCH_N=1000000 go test -run '^$' -bench ServeStartupHistory -benchtime 5x ./cmd/warroom/
func BenchmarkServeStartupHistory(b *testing.B) {
	db := benchStore(b)
	bin := warroomBinary(b)
	b.ResetTimer()
	var took time.Duration
	for range b.N {
		p, d := serveTimed(b, bin, b.TempDir(), "WARROOM_DB="+db)
		took += d
		p.stop(b, shutdownLimit)
	}
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "start-ms")
}
