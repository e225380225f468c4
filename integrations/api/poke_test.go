package api_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/internal/testkit"
)

// A command wakes the outbox worker once: through the API's Poke where
// the service does not wake it after each commit, else only through the
// service's AfterCommit (a second poke only makes the worker claim again
// and find nothing).
func TestCommandPokesTheWorkerOnce(t *testing.T) {
	for _, tc := range []struct {
		name        string
		afterCommit bool
		wantAPI     int64
	}{
		{"service pokes after commit", true, 0},
		{"service does not", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var byService, byAPI atomic.Int64
			var cfg bot.Config
			if tc.afterCommit {
				cfg.AfterCommit = func() { byService.Add(1) }
			}
			kit := testkit.NewService(t, testkit.WithConfig(cfg), testkit.WithTargets("console"))
			router, err := commands.New(kit.Svc, commands.Config{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, err := api.New(api.Config{Token: token, Poke: func() { byAPI.Add(1) }}, kit.Svc, router, nil)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			a.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			e := &env{srv: srv, store: kit.Store, svc: kit.Svc}
			if code, out, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: `{"text":"/incident declare sev3 Checkout down"}`}); code != http.StatusOK {
				t.Fatalf("declare: %d %v", code, out)
			}
			if got := byAPI.Load(); got != tc.wantAPI {
				t.Errorf("the API poked %d times, want %d", got, tc.wantAPI)
			}
			if tc.afterCommit && byService.Load() == 0 {
				t.Error("the service did not poke after the declare's commit")
			}
		})
	}
}
