package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

const testToken = "test-api-token"

// running is an App serving on 127.0.0.1:0 with SQLite in a temporary directory.
type running struct {
	app    *App
	url    string
	cancel context.CancelFunc
	done   chan error
}

func startApp(t *testing.T, kv ...string) *running {
	t.Helper()
	return startAppWrapped(t, nil, kv...)
}

// startAppWrapped starts an App whose server handler is wrapped by wrap (when
// not nil), so that a test can see requests arrive.
func startAppWrapped(t testing.TB, wrap func(http.Handler) http.Handler, kv ...string) *running {
	t.Helper()
	base := []string{
		"WARROOM_ADDR", "127.0.0.1:0",
		"WARROOM_DB", filepath.Join(t.TempDir(), "warroom.db"),
		"WARROOM_API_TOKEN", testToken,
	}
	cfg, err := config.Load("", env(append(base, kv...)...))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: redactAttr}))
	ctx, cancel := context.WithCancel(context.Background())
	app, err := Open(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if wrap != nil {
		app.server.Handler = wrap(app.server.Handler)
	}
	r := &running{app: app, url: app.URL(), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- app.Run(ctx) }()
	t.Cleanup(func() {
		r.stop(t)
		if err := app.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// stop cancels the App and waits for Run; it may be called more than once.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok && err != nil {
			t.Errorf("Run: %v", err)
		}
		if ok {
			close(r.done)
		}
	case <-time.After(shutdownLimit):
		t.Fatal("Run did not return within the shutdown limit")
	}
}

// do sends a request and returns the status and body.
func (r *running) do(t *testing.T, method, path, token string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// command runs a command through POST /api/v1/commands.
func (r *running) command(t *testing.T, text string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"text": text, "user": "alice"})
	return r.do(t, "POST", "/api/v1/commands", testToken, bytes.NewReader(b))
}

func TestHealthAndReadiness(t *testing.T) {
	r := startApp(t)
	if code, body := r.do(t, "GET", "/healthz", "", nil); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	if code, body := r.do(t, "GET", "/readyz", "", nil); code != 200 || !strings.Contains(body, `"ready"`) {
		t.Errorf("/readyz = %d %q, want 200 ready", code, body)
	}
}

func TestReadyzWhenTheDatabaseFails(t *testing.T) {
	m := newMetrics(nil, nil, time.Now, discard())
	mux := http.NewServeMux()
	routes(mux, func(context.Context) error { return errors.New("dial tcp: connection refused") }, m, discard())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", rec.Code)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error"] == "" {
		t.Errorf("body = %q (%v), want a JSON error", rec.Body.String(), err)
	}
	if strings.Contains(rec.Body.String(), "dial tcp") {
		t.Errorf("body shows the database error: %s", rec.Body.String())
	}
}

func TestIncidentLifecycleThroughTheAPI(t *testing.T) {
	r := startApp(t)
	steps := []struct{ text, want string }{
		{"/incident declare sev2 Checkout latency above SLO --service payments", "INC-1"},
		{"/incident ack INC-1", "acknowledged"},
		{"/incident resolve INC-1 Rolled back the deploy", "resolved"},
	}
	for _, s := range steps {
		code, body := r.command(t, s.text)
		if code != 200 || !strings.Contains(body, s.want) {
			t.Fatalf("%s: %d %s, want 200 mentioning %q", s.text, code, body, s.want)
		}
	}
	code, body := r.do(t, "GET", "/api/v1/incidents/INC-1", testToken, nil)
	if code != 200 || !strings.Contains(body, `"resolved"`) {
		t.Fatalf("GET INC-1 = %d %s", code, body)
	}

	// The outbox worker delivers the console's card, edited to the last state.
	ctx := context.Background()
	testkit.Eventually(t, "the console card of INC-1 is delivered as resolved", func() bool {
		m, err := r.app.store.MessageByRef(ctx, "console", "card:INC-1")
		if err != nil && !errors.Is(err, bot.ErrNotFound) {
			t.Fatal(err)
		}
		return err == nil && strings.Contains(string(m.Body), `"value":"resolved"`)
	})
}

func TestHTTPErrors(t *testing.T) {
	r := startApp(t)
	for _, tc := range []struct {
		name, method, path, token string
		body                      io.Reader
		code                      int
	}{
		{"unknown api version", "GET", "/api/v2/incidents", testToken, nil, 404},
		{"unknown api path", "GET", "/api/nothing", "", nil, 404},
		{"missing token", "GET", "/api/v1/incidents", "", nil, 401},
		{"wrong token", "GET", "/api/v1/incidents", "wrong", nil, 401},
		{"body over 1 MiB", "POST", "/api/v1/commands", testToken, bytes.NewReader(bytes.Repeat([]byte("a"), 2<<20)), 413},
		{"invalid JSON", "POST", "/api/v1/commands", testToken, strings.NewReader("{"), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := r.do(t, tc.method, tc.path, tc.token, tc.body)
			if code != tc.code {
				t.Errorf("status = %d %s, want %d", code, body, tc.code)
			}
			var e map[string]string
			if err := json.Unmarshal([]byte(body), &e); err != nil || e["error"] == "" {
				t.Errorf("body %q is not a JSON error", body)
			}
		})
	}
}

func TestMetricsEndpoint(t *testing.T) {
	r := startApp(t)
	if code, body := r.command(t, "/incident declare sev3 Disk filling up"); code != 200 {
		t.Fatalf("declare: %d %s", code, body)
	}
	r.do(t, "GET", "/healthz", "", nil)
	code, body := r.do(t, "GET", "/metrics", "", nil)
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`warroom_http_requests_total{code="200",route="GET /healthz"} 1`,
		`warroom_http_request_duration_seconds_bucket{route="POST /api/v1/commands"`,
		`warroom_command_duration_seconds_count{command="declare",result="ok"} 1`,
		"warroom_outbox_pending_jobs ",
		"warroom_outbox_dead_jobs 0",
		`warroom_outbox_pending{target="console"} `,
		`warroom_outbox_dead{target="console"} 0`,
		"warroom_outbox_waits_total ",
		"warroom_outbox_oldest_pending_age_seconds ",
		`warroom_incidents{status="triggered"} 1`,
		`warroom_incidents{status="closed"} 0`,
		"warroom_outbox_delivered_total ",
		"warroom_build_info{",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestGracefulShutdownDrainsRequests(t *testing.T) {
	arrived := make(chan struct{})
	r := startAppWrapped(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == "/api/v1/commands" {
				close(arrived)
			}
			next.ServeHTTP(w, req)
		})
	})
	// A request whose body is still arriving when shutdown begins.
	pr, pw := io.Pipe()
	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", r.url+"/api/v1/commands", pr)
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		res <- result{code: resp.StatusCode, body: string(b)}
	}()
	if _, err := pw.Write([]byte(`{"text": "/incident declare sev1 `)); err != nil {
		t.Fatal(err)
	}

	<-arrived // the server is handling the request
	start := time.Now()
	r.cancel()
	// Shutdown has begun once the listener refuses new connections.
	addr := strings.TrimPrefix(r.url, "http://")
	for deadline := time.Now().Add(5 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after shutdown began")
		}
		time.Sleep(5 * time.Millisecond) // polling with a deadline
	}
	if _, err := pw.Write([]byte(`Database down", "user": "bob"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	got := <-res
	if got.err != nil || got.code != 200 || !strings.Contains(got.body, "INC-1") {
		t.Errorf("in-flight request = %d %q (%v), want 200 declaring INC-1", got.code, got.body, got.err)
	}
	r.stop(t)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("shutdown took %s", d)
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestDBSynchronousReachesSQLite: db_synchronous is the writer's PRAGMA
// synchronous (1 NORMAL, 2 FULL), whatever its case in the environment.
func TestDBSynchronousReachesSQLite(t *testing.T) {
	for value, want := range map[string]int{"": 1, "normal": 1, "Full": 2} {
		kv := []string{"WARROOM_DB", filepath.Join(t.TempDir(), "warroom.db")}
		if value != "" {
			kv = append(kv, "WARROOM_DB_SYNCHRONOUS", value)
		}
		cfg, err := config.Load("", env(kv...))
		if err != nil {
			t.Fatal(err)
		}
		store, err := openStore(context.Background(), cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := store.(*sqlite.Store).DB().QueryRow(`PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("db_synchronous %q: PRAGMA synchronous = %d, want %d", value, got, want)
		}
		if err := store.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
