package testkit

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

// Env is a ready Service on a SQLite file.
type Env struct {
	Svc   *bot.Service
	Store *sqlite.Store
	Path  string       // the database file
	Clock *Clock       // the Service's clock; nil: the wall clock (or cfg.Now)
	Log   *slog.Logger // what the store and Service log to; discards unless WithLog
}

// Option changes how NewService builds an Env.
type Option func(*setup)

type setup struct {
	cfg   bot.Config
	clock *Clock
	log   *slog.Logger
	path  string
}

// WithConfig is the Service's configuration (default: the zero Config).
// WithClock and WithTargets, in any order, override its Now and Targets.
func WithConfig(cfg bot.Config) Option {
	return func(s *setup) {
		now, targets := s.cfg.Now, s.cfg.Targets
		s.cfg = cfg
		if now != nil {
			s.cfg.Now = now
		}
		if targets != nil {
			s.cfg.Targets = targets
		}
	}
}

// WithClock drives the Service from c (Env.Clock).
func WithClock(c *Clock) Option {
	return func(s *setup) { s.clock, s.cfg.Now = c, c.Now }
}

// WithTargets sets the chat targets the Service posts to.
func WithTargets(targets ...string) Option {
	return func(s *setup) { s.cfg.Targets = targets }
}

// WithLog sends the store's and the Service's logs to log.
func WithLog(log *slog.Logger) Option {
	return func(s *setup) { s.log = log }
}

// WithPath opens the database at path (to reopen one, a restart) instead of
// a new file in t.TempDir().
func WithPath(path string) Option {
	return func(s *setup) { s.path = path }
}

// NewService opens a SQLite store (closed when the test ends) and builds the
// Service on it.
func NewService(t testing.TB, opts ...Option) *Env {
	t.Helper()
	s := setup{log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&s)
	}
	if s.path == "" {
		s.path = filepath.Join(t.TempDir(), "warroom.db")
	}
	store := OpenStore(t, s.path, s.log)
	svc, err := bot.NewService(s.cfg, store, s.log)
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return &Env{Svc: svc, Store: store, Path: s.path, Clock: s.clock, Log: s.log}
}

// ServiceOn builds the Service on a store the test opened itself (a
// PostgreSQL one, say), with the same options as NewService; WithPath has
// no effect.
func ServiceOn(t testing.TB, store bot.Store, opts ...Option) *bot.Service {
	t.Helper()
	s := setup{log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(&s)
	}
	svc, err := bot.NewService(s.cfg, store, s.log)
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return svc
}

// OpenStore opens (creating and migrating) the SQLite database at path,
// closed when the test ends; a nil log discards. A path of "" is a new
// file in t.TempDir().
func OpenStore(t testing.TB, path string, log *slog.Logger) *sqlite.Store {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "warroom.db")
	}
	store, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, log)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}
