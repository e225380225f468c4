package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/testkit"
)

// t0 is the tests' "now".
var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// env is a Router over a real Service on a SQLite file.
type env struct {
	t     testing.TB
	ctx   context.Context
	clock *testkit.Clock
	svc   *bot.Service
	r     *commands.Router
}

func newEnv(t testing.TB, cfg commands.Config) *env {
	t.Helper()
	ctx := t.Context()
	clk := testkit.NewClock(t0)
	svc := testkit.NewService(t, testkit.WithClock(clk), testkit.WithTargets("console"),
		testkit.WithConfig(bot.Config{Roles: []string{"liaison"}})).Svc
	cfg.Now = clk.Now
	r, err := commands.New(svc, cfg, nil)
	if err != nil {
		t.Fatalf("new router: %v", err)
	}
	return &env{t: t, ctx: ctx, clock: clk, svc: svc, r: r}
}

// run dispatches text as alice on the console, outside any channel.
func (e *env) run(text string) (commands.Reply, error) {
	return e.r.Dispatch(e.ctx, commands.Request{Text: text, User: "alice", Platform: "console"})
}

// in dispatches text in a console channel.
func (e *env) in(channel, text string) (commands.Reply, error) {
	return e.r.Dispatch(e.ctx, commands.Request{Text: text, User: "alice", Platform: "console", Channel: channel})
}

// must dispatches text and fails the test on an error.
func (e *env) must(text string) commands.Reply {
	e.t.Helper()
	rep, err := e.run(text)
	if err != nil {
		e.t.Fatalf("%q: %v", text, err)
	}
	return rep
}

// declare opens an incident and returns it.
func (e *env) declare(title string) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: title, Severity: bot.SEV3, Actor: "setup"})
	if err != nil {
		e.t.Fatalf("declare: %v", err)
	}
	return inc
}

// get reads an incident.
func (e *env) get(n int64) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Get(e.ctx, n)
	if err != nil {
		e.t.Fatalf("get INC-%d: %v", n, err)
	}
	return inc
}

// snapshot is everything a command could change.
type snapshot struct {
	Incidents []*bot.Incident
	Timelines map[int64][]bot.Entry
	Actions   []bot.ActionItem
	Audit     []bot.AuditRecord
}

func (e *env) snapshot() snapshot {
	e.t.Helper()
	incs, err := e.svc.List(e.ctx, bot.IncidentFilter{})
	if err != nil {
		e.t.Fatalf("list: %v", err)
	}
	s := snapshot{Incidents: incs, Timelines: map[int64][]bot.Entry{}}
	for _, inc := range incs {
		tl, err := e.svc.Timeline(e.ctx, inc.Number)
		if err != nil {
			e.t.Fatalf("timeline: %v", err)
		}
		s.Timelines[inc.Number] = tl
	}
	if s.Actions, err = e.svc.Actions(e.ctx, bot.ActionFilter{}); err != nil {
		e.t.Fatalf("actions: %v", err)
	}
	if s.Audit, err = e.svc.Audit(e.ctx, bot.AuditFilter{}); err != nil {
		e.t.Fatalf("audit: %v", err)
	}
	return s
}

// unchanged fails when the database differs from before.
func (e *env) unchanged(before snapshot) {
	e.t.Helper()
	if diff := cmp.Diff(before, e.snapshot()); diff != "" {
		e.t.Errorf("the database changed (-before +after):\n%s", diff)
	}
}

// lastEntry is the newest timeline entry of an incident.
func (e *env) lastEntry(n int64) bot.Entry {
	e.t.Helper()
	tl, err := e.svc.Timeline(e.ctx, n)
	if err != nil || len(tl) == 0 {
		e.t.Fatalf("timeline of INC-%d: %v (%d entries)", n, err, len(tl))
	}
	return tl[len(tl)-1]
}

// wantErr checks an error's code and that its message holds every part.
func wantErr(t *testing.T, err error, code bot.Code, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	if got := bot.ErrorCode(err); got != code {
		t.Fatalf("error %q has code %s, want %s", err, got, code)
	}
	if _, ok := err.(*bot.Error); !ok {
		t.Errorf("error %T is not a *bot.Error", err)
	}
	for _, p := range parts {
		if !strings.Contains(bot.ErrorMessage(err), p) {
			t.Errorf("message %q does not contain %q", bot.ErrorMessage(err), p)
		}
	}
}

func contains(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%q does not contain %q", text, p)
		}
	}
}
