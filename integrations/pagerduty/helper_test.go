package pagerduty_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/internal/testkit"
)

const (
	routingKey  = "R0UT1NGKEY0000000000000000000001"
	paymentsKey = "R0UT1NGKEY0000000000000000000002"
	secret      = "whsec-test"
)

// env is a real SQLite store, the Service with paging through "pagerduty"
// and a chat target "chat", the integration pointed at a fake PagerDuty,
// and an outbox worker on the test's clock.
type env struct {
	t      *testing.T
	path   string
	store  bot.Store
	svc    *bot.Service
	pd     *pagerduty.Client
	fake   *fakePD
	clock  *testkit.Clock
	worker *outbox.Worker

	mu    sync.Mutex
	posts []bot.PostPayload
}

func newEnv(t *testing.T, mod ...func(*pagerduty.Config)) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "warroom.db"), fake: newFakePD(t),
		clock: testkit.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))}
	e.open(mod...)
	return e
}

// open (re)builds everything above the database file: a restart.
func (e *env) open(mod ...func(*pagerduty.Config)) {
	t := e.t
	t.Helper()
	kit := testkit.NewService(t, testkit.WithPath(e.path), testkit.WithClock(e.clock), testkit.WithConfig(bot.Config{
		Targets: []string{"chat"}, PublicURL: "https://warroom.example",
		Paging:     bot.PagingConfig{Targets: []string{pagerduty.Target}, PageAt: bot.SEV2},
		Escalation: bot.EscalationConfig{Mention: []string{"@sre-oncall"}},
	}))
	store := kit.Store
	e.store, e.svc = store, kit.Svc
	var err error
	cfg := pagerduty.Config{
		Token: e.fake.token, RoutingKey: routingKey, WebhookSecret: secret,
		APIURL: e.fake.srv.URL, EventsURL: e.fake.srv.URL, From: "warroom@example.com",
		Services: map[string]string{"payments": paymentsKey}, UserService: "PSVC001",
		Users:     map[string]string{"alice": "alice@example.com"},
		Schedules: map[string]string{"primary": "PSCHED1"},
		Now:       e.clock.Now, Budgets: store,
	}
	for _, m := range mod {
		m(&cfg)
	}
	e.pd, err = pagerduty.New(cfg, e.svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.worker = outbox.New(outbox.Config{Now: e.clock.Now, Owner: "test", BaseDelay: time.Second,
		Jitter: func(d time.Duration) time.Duration { return d }}, store, nil)
	for kind, h := range e.pd.Handlers() {
		e.worker.Handle(kind, h)
	}
	record := func(ctx context.Context, j bot.Job) error {
		if j.Kind.Effect() == bot.EffectPost {
			var p bot.PostPayload
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return err
			}
			e.mu.Lock()
			e.posts = append(e.posts, p)
			e.mu.Unlock()
		}
		return nil
	}
	for _, k := range []bot.JobKind{"chat.open", "chat.card", "chat.post"} {
		e.worker.Handle(k, record)
	}
}

// drain delivers every due job.
func (e *env) drain() {
	e.t.Helper()
	testkit.Drain(e.t, context.Background(), e.worker)
}

func (e *env) declare(sev bot.Severity, title string) *bot.Incident {
	e.t.Helper()
	inc, err := e.svc.Declare(context.Background(), bot.DeclareInput{Title: title, Severity: sev, Actor: "alice"})
	if err != nil {
		e.t.Fatal(err)
	}
	return inc
}

// entries returns the timeline entries of kind.
func (e *env) entries(n int64, kind bot.EntryKind) []bot.Entry {
	e.t.Helper()
	all, err := e.store.Timeline(context.Background(), n)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []bot.Entry
	for _, en := range all {
		if en.Kind == kind {
			out = append(out, en)
		}
	}
	return out
}

func (e *env) postsText() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, p := range e.posts {
		out = append(out, p.Message.Text)
	}
	return out
}
