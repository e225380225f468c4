package webhooktest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// Sink is a webhook sink that records the alerts it is handed and
// accepts them all.
type Sink struct {
	mu     sync.Mutex
	alerts []bot.Alert
	calls  int
}

// HandleAlerts records a.
func (s *Sink) HandleAlerts(_ context.Context, _ bot.Cause, a []bot.Alert) (bot.AlertResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.alerts = append(s.alerts, a...)
	s.calls++
	return bot.AlertResult{Accepted: len(a)}, nil
}

// Alerts returns a copy of the alerts handed so far, in order.
func (s *Sink) Alerts() []bot.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.alerts)
}

// Calls returns how many deliveries reached the sink.
func (s *Sink) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Fixture reads testdata/name of the package under test or fails the
// test.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Clock is a clock the test moves by hand (testkit.Clock).
type Clock = testkit.Clock

// NewClock starts a clock at start.
func NewClock(start time.Time) *Clock { return testkit.NewClock(start) }

// EpisodeRoute is the alert config of the episode scenarios: one route,
// named name and grouping by groupBy, that declares and resolves
// incidents by itself and reopens one within 30 minutes.
func EpisodeRoute(name string, groupBy ...string) bot.AlertConfig {
	return bot.AlertConfig{Routes: []bot.Route{{Name: name, GroupBy: groupBy,
		AutoDeclare: true, AutoResolve: true, ReopenWindow: 30 * time.Minute}}}
}

// Env is the real Service on a SQLite file in a temporary directory.
type Env struct {
	Svc   *bot.Service
	Store bot.Store
	Log   *slog.Logger // discards
}

// NewEnv opens a store in t.TempDir() (closed when the test ends) and
// builds the Service on it with cfg; an empty cfg.Targets pages the
// console only.
func NewEnv(t testing.TB, cfg bot.Config) *Env {
	t.Helper()
	if len(cfg.Targets) == 0 {
		cfg.Targets = []string{"console"}
	}
	kit := testkit.NewService(t, testkit.WithConfig(cfg))
	return &Env{Svc: kit.Svc, Store: kit.Store, Log: kit.Log}
}

// Incident reads incident n or fails the test.
func (e *Env) Incident(t testing.TB, n int64) *bot.Incident {
	t.Helper()
	inc, err := e.Svc.Get(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// PostJSON serves body to h as a JSON POST to path with the bearer token.
func PostJSON(h http.Handler, path, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Expect fails the test unless rec is a 200 whose body has want; what
// names the delivery in the failure.
func Expect(t testing.TB, rec *httptest.ResponseRecorder, want, what string) {
	t.Helper()
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("%s: %d %s, want %s", what, rec.Code, rec.Body, want)
	}
}
