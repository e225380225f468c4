package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Fingerprint string            `json:"fingerprint"`
	StartsAt    time.Time         `json:"startsAt"`
}

func TestBodiesCarryTheSameNewAlertsInBothFormats(t *testing.T) {
	api, err := NewBodies(AlertmanagerAPI, 10)
	if err != nil {
		t.Fatal(err)
	}
	hook := *api
	hook.Format = Webhook
	seen := map[string]bool{}
	for seq := range int64(3) {
		var list []amAlert
		if err := json.Unmarshal(api.Body(nil, seq), &list); err != nil {
			t.Fatalf("API body %d: %v", seq, err)
		}
		var p struct {
			Version string    `json:"version"`
			Alerts  []amAlert `json:"alerts"`
		}
		if err := json.Unmarshal(hook.Body(nil, seq), &p); err != nil {
			t.Fatalf("webhook body %d: %v", seq, err)
		}
		if len(list) != 10 || len(p.Alerts) != 10 || p.Version != "4" {
			t.Fatalf("request %d: %d API alerts, %d webhook alerts, version %q", seq, len(list), len(p.Alerts), p.Version)
		}
		for i := range list {
			if p.Alerts[i].Fingerprint == "" || seen[p.Alerts[i].Fingerprint] {
				t.Errorf("request %d alert %d: fingerprint %q empty or sent before", seq, i, p.Alerts[i].Fingerprint)
			}
			seen[p.Alerts[i].Fingerprint] = true
			if !maps(list[i].Labels, p.Alerts[i].Labels) || !list[i].StartsAt.Equal(p.Alerts[i].StartsAt) {
				t.Errorf("request %d alert %d differs: %v vs %v", seq, i, list[i], p.Alerts[i])
			}
		}
	}
	other, _ := NewBodies(Webhook, 10)
	other.Run = api.Run + "x"
	if string(other.Body(nil, 0)) == string(hook.Body(nil, 0)) {
		t.Error("two runs sent the same alerts")
	}
	if _, err := NewBodies("v1", 10); err == nil {
		t.Error("an unknown format was accepted")
	}
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// countingServer answers 200 and counts the alerts of each body, or 503
// to every fifth request when flaky.
func countingServer(t *testing.T, flaky bool) (*httptest.Server, *atomic.Int64) {
	var n, alerts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if flaky && n.Add(1)%5 == 0 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var p struct{ Alerts []json.RawMessage }
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		alerts.Add(int64(len(p.Alerts)))
	}))
	t.Cleanup(srv.Close)
	return srv, &alerts
}

func webhookTarget(t *testing.T, name, url string) Target {
	b, err := NewBodies(Webhook, 10)
	if err != nil {
		t.Fatal(err)
	}
	return Target{Name: name, URL: url, Token: "tok", Bodies: b, PID: os.Getpid()}
}

func TestClosedLoopCountsWhatTheServerAnswered(t *testing.T) {
	srv, alerts := countingServer(t, true)
	r, err := Closed(context.Background(), Client(4), webhookTarget(t, "fake", srv.URL), 4, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK == 0 || r.Failed == 0 || r.Sent != r.OK+r.Failed {
		t.Fatalf("sent %d, ok %d, failed %d: want some of each, adding up", r.Sent, r.OK, r.Failed)
	}
	if got := alerts.Load(); got != r.OK*10 {
		t.Errorf("the server stored %d alerts; the generator counts %d requests of 10 answered", got, r.OK)
	}
	if !strings.Contains(r.FirstErr, "503") || len(r.Latencies) != int(r.OK) {
		t.Errorf("first error %q, %d latencies for %d answers", r.FirstErr, len(r.Latencies), r.OK)
	}
	if r.AlertsPerSec() <= 0 {
		t.Errorf("rate %v", r.AlertsPerSec())
	}
}

// TestOpenLoopCountsAStallInEveryDelayedRequest: a server that hangs for
// 150 ms on its first request delays every request due meanwhile. Timed
// from the intended send, each of them shows the stall; timed from the
// actual send (the coordinated-omission mistake), only the first would.
func TestOpenLoopCountsAStallInEveryDelayedRequest(t *testing.T) {
	const stall = 150 * time.Millisecond
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		once.Do(func() { time.Sleep(stall) }) // the fake's hang, not synchronisation
	}))
	t.Cleanup(srv.Close)
	// 200 requests/s for 0.5 s: 100 requests, one every 5 ms, one at a time.
	r, err := Open(context.Background(), Client(1), webhookTarget(t, "fake", srv.URL), 200, 500*time.Millisecond, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent != 100 || r.OK != 100 {
		t.Fatalf("sent %d, answered %d; want 100 (an open loop sends every due request)", r.Sent, r.OK)
	}
	slow := 0
	for _, d := range r.Latencies {
		if d >= stall/3 {
			slow++
		}
	}
	// Requests due in the first 100 ms waited at least 50 ms each.
	if slow < 15 {
		t.Errorf("%d requests took ≥ %v; the stall delayed about 25 (latencies %v)", slow, stall/3, r.Latencies)
	}
	if r.Quantile(1) < stall {
		t.Errorf("max latency %v is below the stall %v", r.Quantile(1), stall)
	}
}

func TestComparisonInterleavesAndReportsRatios(t *testing.T) {
	a, aAlerts := countingServer(t, false)
	b, bAlerts := countingServer(t, false)
	var log strings.Builder
	c := &Comparison{
		Subject: webhookTarget(t, "subject", a.URL), Peers: []Target{webhookTarget(t, "peer", b.URL)},
		Senders: []int{2}, Pairs: 2, Duration: 200 * time.Millisecond, Rate: 100, MaxOpen: 4, Log: &log,
	}
	rep, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows := rep.Closed[2]
	if len(rows) != 2 || len(rep.Open) != 2 {
		t.Fatalf("%d closed and %d open pairs, want 2 and 2", len(rows), len(rep.Open))
	}
	for _, row := range append(rows, rep.Open...) {
		if row[0].Target != "subject" || row[1].Target != "peer" {
			t.Errorf("row order %s, %s", row[0].Target, row[1].Target)
		}
	}
	var sent [2]int64
	for _, row := range append(rows, rep.Open...) {
		sent[0] += row[0].OK * 10
		sent[1] += row[1].OK * 10
	}
	if sent[0] != aAlerts.Load() || sent[1] != bAlerts.Load() {
		t.Errorf("counted %v alerts, servers stored %d and %d", sent, aAlerts.Load(), bAlerts.Load())
	}
	// The log shows the second pair in reverse order.
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "subject") || !strings.HasPrefix(lines[2], "peer") {
		t.Errorf("runs not interleaved:\n%s", log.String())
	}
	var out strings.Builder
	rep.WriteMarkdown(&out)
	for _, want := range []string{"| 2 | subject / peer |", "Open loop at 100 requests/s", "p99 subject / peer:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestComparisonFailsWhenAServerAnswersNothing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	c := &Comparison{Subject: webhookTarget(t, "subject", srv.URL), Senders: []int{1}, Pairs: 1, Duration: 50 * time.Millisecond}
	if _, err := c.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("err = %v, want the 401 named", err)
	}
}

func TestParseStat(t *testing.T) {
	line := "4242 (a) (odd) name) S 1 4242 4242 0 -1 4194560 1523 0 0 0 250 37 0 0 20 0 9 0 12345 0 0\n"
	d, err := parseStat([]byte(line))
	if err != nil || d != 2870*time.Millisecond {
		t.Errorf("parseStat = %v, %v; want 2.87s", d, err)
	}
	if _, err := parseStat([]byte("garbage")); err == nil {
		t.Error("garbage parsed")
	}
	if _, err := ProcessCPU(os.Getpid()); err != nil {
		t.Error(err)
	}
}

func TestBareHandler(t *testing.T) {
	srv := httptest.NewServer(BareHandler())
	t.Cleanup(srv.Close)
	for body, want := range map[string]int{`{"a":1}`: 200, `{`: 400} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", body, resp.StatusCode, want)
		}
	}
}

// TestPacedCountsALateStart: calls due while the first one holds the only
// slot start late, and their latency includes the wait.
func TestPacedCountsALateStart(t *testing.T) {
	slot := make(chan struct{}, 1)
	var calls atomic.Int64
	lat, failed := Paced(1000, 50, func(i int) error {
		calls.Add(1)
		slot <- struct{}{}
		defer func() { <-slot }()
		if i == 0 {
			time.Sleep(40 * time.Millisecond) // the call under test is slow, not synchronisation
		}
		if i == 49 {
			return io.EOF
		}
		return nil
	})
	if calls.Load() != 50 || failed != 1 || len(lat) != 49 {
		t.Fatalf("%d calls, %d failed, %d latencies", calls.Load(), failed, len(lat))
	}
	// Calls due in the first 40 ms queued behind call 0: a dozen or more
	// took 20 ms or longer from their due time.
	slow := 0
	for _, d := range lat {
		if d >= 20*time.Millisecond {
			slow++
		}
	}
	if slow < 12 {
		t.Errorf("%d calls took ≥ 20 ms from their due time; the slow first call delayed about 30", slow)
	}
}
