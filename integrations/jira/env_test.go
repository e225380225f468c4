package jira_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/internal/ticket/tickettest"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// env is warroom's ticket path end to end: a SQLite store, the Service
// with the jira ticket target, the outbox worker on an injected clock, and
// the integration pointed at a fake Jira.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *tickettest.Clock
	path  string
	fake  *fakeJira
	logs  *tickettest.LogBuffer
	cfg   jira.Config

	// dsn, when set, is a PostgreSQL database used instead of the SQLite file.
	dsn string
	// failpoint is the worker's (outbox.Config.Failpoint).
	failpoint func(bot.Job, error) bool

	store bot.Store
	svc   *bot.Service
	j     *jira.Jira
	w     *outbox.Worker
	// problems keeps problems as Problem issues (problems_test.go).
	problems bool
}

func newEnv(t *testing.T, edit func(*jira.Config)) *env {
	t.Helper()
	e := &env{
		t: t, ctx: t.Context(), clock: tickettest.NewClock(t0), path: filepath.Join(t.TempDir(), "w.db"),
		fake: newFakeJira(t), logs: &tickettest.LogBuffer{},
	}
	e.cfg = jira.Config{
		URL: e.fake.URL(), User: "bot@example.com", Token: "tok", Project: "OPS",
		PublicURL: "https://warroom.example.com", CommanderField: "customfield_10042",
		CustomFields: map[string]any{"customfield_10010": map[string]any{"value": "Production"}},
	}
	e.fake.now = e.clock.Now
	if edit != nil {
		edit(&e.cfg)
	}
	e.open()
	t.Cleanup(func() { _ = e.store.Close() })
	return e
}

// open (re)builds everything above the database file, like a restart.
func (e *env) open() {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	bc := bot.Config{
		PublicURL: "https://warroom.example.com",
		Tickets:   bot.TicketConfig{Targets: []bot.TicketTarget{{Name: "jira", Actions: true, Problems: e.problems}}},
	}
	if e.cfg.FieldMap != nil { // a field map maps the fields of testkit.Catalog
		cat := testkit.Catalog()
		bc.Types, bc.Fields = cat.Types, cat.Fields
	}
	opts := []testkit.Option{testkit.WithPath(e.path), testkit.WithClock(e.clock), testkit.WithLog(log), testkit.WithConfig(bc)}
	var store bot.Store
	if e.dsn != "" {
		pg, err := postgres.Open(e.ctx, postgres.Config{DSN: e.dsn}, nil)
		if err != nil {
			e.t.Fatalf("open store: %v", err)
		}
		e.t.Cleanup(func() { _ = pg.Close() })
		store, e.svc = pg, testkit.ServiceOn(e.t, pg, opts...)
	} else {
		kit := testkit.NewService(e.t, opts...)
		store, e.svc = kit.Store, kit.Svc
	}
	e.store = store
	cfg := e.cfg
	cfg.Now, cfg.Log, cfg.Budgets = e.clock.Now, log, store
	if e.problems {
		cfg.ProblemIssueType, cfg.Problems = "Problem", e.svc.Problems()
	}
	var err error
	e.j, err = jira.New(cfg, e.svc)
	if err != nil {
		e.t.Fatalf("new jira: %v", err)
	}
	e.w = outbox.New(outbox.Config{
		Now: e.clock.Now, Jitter: func(d time.Duration) time.Duration { return d }, MaxFailures: 10, MaxFailureAge: time.Nanosecond,
		Failpoint: e.failpoint,
	}, store, log)
	for kind, h := range e.j.Handlers() {
		e.w.Handle(kind, h)
	}
}

// restart closes the store and opens everything again on the same file.
func (e *env) restart() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatalf("close store: %v", err)
	}
	e.open()
}

// drain runs the worker until no job is due now; it returns the number of
// deliveries.
func (e *env) drain() int {
	e.t.Helper()
	return tickettest.Drain(e.t, e.ctx, e.w)
}

func (e *env) declare(sev bot.Severity, title string) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{
		Title: title, Severity: sev, Service: "checkout", Impact: "Payments fail for 5% of users",
		Commander: "alice", Actor: "alice",
	})
	if err != nil {
		e.t.Fatalf("declare: %v", err)
	}
	return inc
}

func (e *env) get(n int64) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Get(e.ctx, n)
	if err != nil {
		e.t.Fatalf("get: %v", err)
	}
	return inc
}

func must[T any](t *testing.T) func(T, error) T { return tickettest.Must[T](t) }

// jiraStatus is where the fake's workflow should have an incident's issue.
func jiraStatus(s bot.Status) string {
	switch {
	case s == bot.StatusTriggered:
		return "To Do"
	case s.Open():
		return "In Progress"
	}
	return "Done"
}

// checkOneIssue asserts that exactly one issue carries the incident's
// label, that the incident links it, and that its fields equal the
// incident's.
func (e *env) checkOneIssue(n int64) fakeIssue {
	e.t.Helper()
	inc := e.get(n)
	issues := e.fake.withLabel("warroom-inc-" + itoa(n))
	if len(issues) != 1 {
		e.t.Fatalf("%d issues carry the label of %s, want exactly 1 (writes: %v)", len(issues), inc.Key(), e.fake.log())
	}
	is := issues[0]
	if l := inc.Links["jira"]; l.ID != is.Key || l.URL != e.fake.URL()+"/browse/"+is.Key {
		e.t.Errorf("link = %+v, want %s", l, is.Key)
	}
	prio := map[bot.Severity]string{bot.SEV1: "Highest", bot.SEV2: "High", bot.SEV3: "Medium", bot.SEV4: "Low"}[inc.Severity]
	for _, c := range []struct{ field, got, want string }{
		{"summary", is.Summary, jira.Summary(inc)},
		{"description", is.Description, e.j.Description(inc)},
		{"priority", is.Priority, prio},
		{"status", is.Status, jiraStatus(inc.Status)},
		{"commander", str(is.Custom["customfield_10042"]), inc.Commander()},
	} {
		if c.got != c.want {
			e.t.Errorf("issue %s %s = %q, want %q", is.Key, c.field, c.got, c.want)
		}
	}
	return is
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func itoa(n int64) string { return strings.TrimPrefix(bot.FormatKey(n), "INC-") }
