package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/httpx"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

// stack is the whole in-process server the console runs in: SQLite store,
// service, command router, console, API and outbox worker.
type stack struct {
	store   *sqlite.Store
	svc     *bot.Service
	console *console.Console
	worker  *outbox.Worker
	handler http.Handler
}

func newStack(t *testing.T, cfg console.Config) *stack {
	t.Helper()
	return newStackWith(t, cfg)
}

// newStackWith is newStack with the Service's options.
func newStackWith(t *testing.T, cfg console.Config, opts ...testkit.Option) *stack {
	t.Helper()
	kit := testkit.NewService(t, append([]testkit.Option{testkit.WithTargets(console.Platform)}, opts...)...)
	svc, store, log := kit.Svc, kit.Store, kit.Log
	router, err := commands.New(svc, commands.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	w := outbox.New(outbox.Config{Owner: "test", BaseDelay: 10 * time.Millisecond}, store, log)
	if cfg.Poke == nil {
		cfg.Poke = w.Poke
	}
	if cfg.Insights == nil {
		cfg.Insights = digest.NewBuilder(store, nil, nil)
	}
	c, err := console.New(cfg, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	for kind, h := range c.Handlers() {
		w.Handle(kind, h)
	}
	a, err := api.New(api.Config{Token: cfg.Token, Poke: w.Poke, Insights: cfg.Insights, Location: cfg.Location}, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	a.Register(mux)
	m, err := httpx.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return &stack{
		store: store, svc: svc, console: c, worker: w,
		handler: httpx.Chain(mux, m.Wrap, httpx.Recover(log), httpx.LimitBody),
	}
}

// serve starts an HTTP server on 127.0.0.1:0.
func (s *stack) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s.handler)
	t.Cleanup(srv.Close)
	return srv
}

// deliver runs the outbox until nothing is due.
func (s *stack) deliver(t *testing.T) {
	t.Helper()
	for range 20 {
		n, err := s.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never emptied")
}
