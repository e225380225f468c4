package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

// buildBinary builds warroom into dir, once per test process.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func warroomBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "warroom-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "warroom")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running `warroom serve`.
type proc struct {
	cmd    *exec.Cmd
	url    string
	stderr *testkit.Buffer
	exited chan struct{} // closed when the process has exited
	err    error         // Wait's result, once exited is closed
}

// serve starts `warroom serve` on a free port with a fresh database in dir
// and returns once /healthz answers 200, with the time that took.
func serve(tb testing.TB, bin, dir string) (*proc, time.Duration) {
	tb.Helper()
	return serveTimed(tb, bin, dir)
}

// serveWith is serve with extra environment variables (NAME=value).
func serveWith(tb testing.TB, bin, dir string, env ...string) *proc {
	tb.Helper()
	p, _ := serveTimed(tb, bin, dir, env...)
	return p
}

func serveTimed(tb testing.TB, bin, dir string, env ...string) (*proc, time.Duration) {
	tb.Helper()
	addr := freeAddr(tb)
	p := &proc{url: "http://" + addr, stderr: &testkit.Buffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Dir = dir
	p.cmd.Env = []string{
		"WARROOM_ADDR=" + addr,
		"WARROOM_DB=" + filepath.Join(dir, "warroom.db"),
		"PATH=" + os.Getenv("PATH"),
	}
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stderr = p.stderr
	client := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	for deadline := start.Add(20 * time.Second); ; {
		resp, err := client.Get(p.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, time.Since(start)
			}
		}
		select {
		case <-p.exited:
			tb.Fatalf("warroom serve exited early (%v):\n%s", p.err, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			_ = p.cmd.Process.Kill()
			tb.Fatalf("/healthz did not answer 200 in time (last error %v):\n%s", err, p.stderr)
		}
		time.Sleep(time.Millisecond) // polling with a deadline
	}
}

// stop sends SIGTERM and returns the exit code and how long exiting took.
func (p *proc) stop(tb testing.TB, limit time.Duration) (int, time.Duration) {
	tb.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(limit):
		_ = p.cmd.Process.Kill()
		<-p.exited
		tb.Fatalf("warroom did not exit within %s of SIGTERM:\n%s", limit, p.stderr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(p.err, &exit):
		return exit.ExitCode(), time.Since(start)
	case p.err != nil:
		tb.Fatal(p.err)
	}
	return 0, time.Since(start)
}

func TestBinaryServeAndSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := warroomBinary(t)
	p, took := serve(t, bin, t.TempDir())
	t.Logf("exec to /healthz 200: %s", took)

	resp, err := http.Get(p.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz = %d", resp.StatusCode)
	}

	code, stopTook := p.stop(t, shutdownLimit)
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0:\n%s", code, p.stderr)
	}
	t.Logf("SIGTERM to exit: %s", stopTook)
	if want := "warroom listening on " + p.url; !strings.Contains(p.stderr.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, p.stderr)
	}
}

// BenchmarkServeStartup measures `warroom serve` from exec to /healthz 200
// on an empty SQLite database, and the resident memory once idle.
func BenchmarkServeStartup(b *testing.B) {
	bin := warroomBinary(b)
	b.StopTimer()
	b.ResetTimer()
	var rss float64
	for i := 0; i < b.N; i++ {
		b.StartTimer()
		p, _ := serve(b, bin, b.TempDir())
		b.StopTimer()
		rss += float64(residentKiB(p.cmd.Process.Pid)) / 1024
		p.stop(b, shutdownLimit)
	}
	b.ReportMetric(rss/float64(b.N), "rss-MiB")
}

// residentKiB reads a process's resident set size from /proc (0 elsewhere).
func residentKiB(pid int) int { return procStatusKiB(pid, "VmRSS:") }

// anonymousKiB reads the anonymous part of the resident set: the process's
// own memory, without the pages of its binary and shared libraries.
func anonymousKiB(pid int) int { return procStatusKiB(pid, "RssAnon:") }

func procStatusKiB(pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			var kib int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kib)
			return kib
		}
	}
	return 0
}

// BenchmarkServeMemory serves 10,000 incidents (declare, then resolve,
// through POST /api/v1/commands from 8 clients) and reports the resident
// memory at idle before and after. Run it with -benchtime=1x.
func BenchmarkServeMemory(b *testing.B) {
	const incidents, clients = 10000, 8
	bin := warroomBinary(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p := serveWith(b, bin, b.TempDir(), "WARROOM_API_TOKEN="+testToken)
		idle := residentKiB(p.cmd.Process.Pid)
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 10 * time.Second}
				for n := c; n < incidents; n += clients {
					key, err := postCommand(client, p.url, fmt.Sprintf("/incident declare sev3 Load test incident %d", n))
					if err == nil {
						_, err = postCommand(client, p.url, "/incident resolve "+key+" done")
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		after, anon := residentKiB(p.cmd.Process.Pid), anonymousKiB(p.cmd.Process.Pid)
		p.stop(b, shutdownLimit)
		b.ReportMetric(float64(idle)/1024, "idle-rss-MiB")
		b.ReportMetric(float64(after)/1024, "rss-after-10k-MiB")
		b.ReportMetric(float64(anon)/1024, "anon-after-10k-MiB")
		b.ReportMetric(float64(2*incidents)/b.Elapsed().Seconds(), "commands/s")
	}
}

// postCommand sends one command to the JSON API and returns the key of the
// incident it acted on.
func postCommand(client *http.Client, url, text string) (string, error) {
	body := strings.NewReader(fmt.Sprintf(`{"text": %q}`, text))
	req, err := http.NewRequest("POST", url+"/api/v1/commands", body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("%s: %d %s", text, resp.StatusCode, b)
	}
	var reply struct {
		Incident struct {
			Key string `json:"key"`
		} `json:"incident"`
	}
	if err := json.Unmarshal(b, &reply); err != nil || reply.Incident.Key == "" {
		return "", fmt.Errorf("%s: reply names no incident: %s", text, b)
	}
	return reply.Incident.Key, nil
}
