package servicenow_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/internal/ticket/tickettest"
	"github.com/warroom/warroom/integrations/servicenow"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// env runs the ticket path end to end against a fake ServiceNow.
type env struct {
	t     *testing.T
	ctx   context.Context
	clock *tickettest.Clock
	path  string
	fake  *fakeSN
	logs  *tickettest.LogBuffer
	cfg   servicenow.Config

	store *sqlite.Store
	svc   *bot.Service
	sn    *servicenow.ServiceNow
	w     *outbox.Worker
	// problems keeps problems in the problem table (problems_test.go).
	problems bool
}

func newEnv(t *testing.T, edit func(*servicenow.Config)) *env {
	t.Helper()
	e := &env{
		t: t, ctx: t.Context(), clock: tickettest.NewClock(t0), path: filepath.Join(t.TempDir(), "w.db"),
		fake: newFakeSN(t), logs: &tickettest.LogBuffer{},
	}
	e.cfg = servicenow.Config{
		URL: e.fake.srv.URL, User: "warroom", Password: "pw", PublicURL: "https://warroom.example.com",
		AssignmentGroup: "Network", Caller: "warroom.bot", Category: "software", CMDBCI: "checkout-api",
		Fields: map[string]string{"contact_type": "monitoring"},
	}
	if edit != nil {
		edit(&e.cfg)
	}
	e.open()
	t.Cleanup(func() { _ = e.store.Close() })
	return e
}

func (e *env) open() {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	bc := bot.Config{
		PublicURL: "https://warroom.example.com",
		Tickets:   bot.TicketConfig{Targets: []bot.TicketTarget{{Name: "servicenow", Problems: e.problems}}},
	}
	if e.cfg.FieldMap != nil { // a field map maps the fields of testkit.Catalog
		cat := testkit.Catalog()
		bc.Types, bc.Fields = cat.Types, cat.Fields
	}
	kit := testkit.NewService(e.t, testkit.WithPath(e.path), testkit.WithClock(e.clock), testkit.WithLog(log), testkit.WithConfig(bc))
	store := kit.Store
	e.store, e.svc = store, kit.Svc
	cfg := e.cfg
	cfg.Now, cfg.Log, cfg.Budgets = e.clock.Now, log, store
	if e.problems {
		cfg.Problems = e.svc.Problems()
	}
	var err error
	e.sn, err = servicenow.New(cfg, e.svc)
	if err != nil {
		e.t.Fatalf("new servicenow: %v", err)
	}
	e.w = outbox.New(outbox.Config{Now: e.clock.Now, Jitter: func(d time.Duration) time.Duration { return d }}, store, log)
	for kind, h := range e.sn.Handlers() {
		e.w.Handle(kind, h)
	}
}

func (e *env) restart() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatalf("close store: %v", err)
	}
	e.open()
}

func (e *env) drain() int {
	e.t.Helper()
	return tickettest.Drain(e.t, e.ctx, e.w)
}

func (e *env) declare(sev bot.Severity, title string) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{
		Title: title, Severity: sev, Service: "checkout", Impact: "Orders fail", Commander: "alice", Actor: "alice",
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

// checkOneRecord asserts exactly one record has the incident's
// correlation_id, the incident links it, and its fields equal the incident.
func (e *env) checkOneRecord(n int64) map[string]string {
	e.t.Helper()
	inc := e.get(n)
	recs := e.fake.byCorrelation(inc.Key())
	if len(recs) != 1 {
		e.t.Fatalf("%d records for %s, want exactly 1 (writes %q)", len(recs), inc.Key(), e.fake.log())
	}
	rec := recs[0]
	if l := inc.Links["servicenow"]; l.ID != rec["number"] || l.URL == "" {
		e.t.Errorf("link = %+v, want %s", l, rec["number"])
	}
	iu := servicenow.DefaultSeverity()[inc.Severity]
	state := servicenow.DefaultStates()[inc.Status]
	for _, c := range []struct{ field, want string }{
		{"short_description", servicenow.ShortDescription(inc)},
		{"description", e.sn.Description(inc)},
		{"impact", strconv.Itoa(iu.Impact)},
		{"urgency", strconv.Itoa(iu.Urgency)},
		{"state", strconv.Itoa(state)},
		{"correlation_id", inc.Key()},
		{"correlation_display", "warroom"},
		{"assignment_group", "Network"},
		{"caller_id", "warroom.bot"},
		{"category", "software"},
		{"cmdb_ci", "checkout-api"},
		{"contact_type", "monitoring"},
	} {
		if rec[c.field] != c.want {
			e.t.Errorf("record %s %s = %q, want %q", rec["number"], c.field, rec[c.field], c.want)
		}
	}
	return rec
}
