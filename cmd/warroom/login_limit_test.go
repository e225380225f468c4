package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
)

// Two replicas on one database count one client's console login attempts
// together: five in all, wherever they land, then 429 on both.
func TestLoginLimitSharedByReplicas(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "w.db")
		log := slog.New(slog.DiscardHandler)
		loginLimitShared(t, testkit.OpenStore(t, path, log), testkit.OpenStore(t, path, log))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testkit.PostgresSchema(t)
		open := func() bot.Store {
			s, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		loginLimitShared(t, open(), open())
	})
}

func loginLimitShared(t *testing.T, a, b bot.Store) {
	clock := testkit.NewClock(testkit.Start)
	const token = "replica-token-0123456789"
	replica := func(st bot.Store) http.Handler {
		svc := testkit.ServiceOn(t, st, testkit.WithClock(clock))
		router, err := commands.New(svc, commands.Config{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		c, err := console.New(console.Config{Token: token, Public: true, Now: clock.Now, Budgets: st}, svc, router, nil)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		c.Register(mux)
		return mux
	}
	ra, rb := replica(a), replica(b)
	login := func(h http.Handler, from, tok string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/login", strings.NewReader("token="+tok))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = from + ":4444"
		req.Host = "warroom.example.org"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i, h := range []http.Handler{ra, rb, ra, rb, ra} {
		if rec := login(h, "203.0.113.7", "wrong"); rec.Code != 401 {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	for _, h := range []http.Handler{ra, rb} {
		rec := login(h, "203.0.113.7", token)
		if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || len(rec.Result().Cookies()) != 0 {
			t.Fatalf("past five attempts: %d %v", rec.Code, rec.Header())
		}
	}
	if rec := login(rb, "198.51.100.9", token); rec.Code != 303 {
		t.Fatalf("another address: %d", rec.Code)
	}
	clock.Advance(12 * time.Second)
	if rec := login(rb, "203.0.113.7", token); rec.Code != 303 || len(rec.Result().Cookies()) != 1 {
		t.Fatalf("after the wait: %d", rec.Code)
	}
}
