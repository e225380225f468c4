package azure_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/azure"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
	"github.com/warroom/warroom/internal/testkit"
)

func deliver(t *testing.T, rcv *azure.Receiver, auth string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/azure", bytes.NewReader(webhooktest.Fixture(t, "azure-metric-fired.json")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	w := httptest.NewRecorder()
	rcv.ServeHTTP(w, req)
	return w
}

// A refused token gets a plain 401: no dial errors, host names or reasons.
func TestEntraRefusalSaysNothing(t *testing.T) {
	p := newIDP(t)
	now := time.Now()
	rcv, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant, Audience: audience,
		KeysURL: "http://keys.internal.corp.invalid:1/keys"}}, &webhooktest.Sink{}, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := deliver(t, rcv, "Bearer "+p.token(t, "RS256", "kid-1", claims(now, nil)))
	if w.Code != 401 {
		t.Fatalf("status %d", w.Code)
	}
	for _, leak := range []string{"internal", "dial", "keys", "lookup", "tcp", "signing"} {
		if strings.Contains(strings.ToLower(w.Body.String()), leak) {
			t.Errorf("the 401 body says %q: %s", leak, w.Body)
		}
	}
}

// A failed key fetch is remembered for a minute: tokens meanwhile are
// refused without another fetch.
func TestEntraFailedFetchRemembered(t *testing.T) {
	p := newIDP(t)
	clock := testkit.NewClock(testkit.Start)
	var fetches atomic.Int32
	var down atomic.Bool
	down.Store(true)
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		p.srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(keys.Close)
	rcv, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant, Audience: audience, KeysURL: keys.URL,
		Client: keys.Client(), Now: clock.Now}}, &webhooktest.Sink{}, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := "Bearer " + p.token(t, "RS256", "kid-1", claims(clock.Now(), nil))
	for range 5 {
		if w := deliver(t, rcv, tok); w.Code != 401 {
			t.Fatalf("status %d while the keys are down", w.Code)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("%d fetches while a failure is remembered, want 1", n)
	}
	down.Store(false)
	clock.Advance(61 * time.Second)
	if w := deliver(t, rcv, tok); w.Code != 200 {
		t.Fatalf("after the failure expired: %d %s", w.Code, w.Body)
	}
	if n := fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// With an allow-list, only tokens of those caller applications pass.
func TestEntraCallerApplications(t *testing.T) {
	p := newIDP(t)
	now := time.Now()
	const monitor = "461e8683-5575-4561-ac7f-899cc907d62a"
	rcv, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant, Audience: audience, KeysURL: p.srv.URL,
		Client: p.srv.Client(), AppIDs: []string{monitor}}}, &webhooktest.Sink{}, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		set  func(map[string]any)
		want int
	}{
		"appid (v1)":      {func(c map[string]any) { c["appid"] = monitor }, 200},
		"azp (v2)":        {func(c map[string]any) { c["azp"] = monitor }, 200},
		"another app":     {func(c map[string]any) { c["appid"] = "00000000-0000-0000-0000-000000000001" }, 401},
		"no caller claim": {nil, 401},
	} {
		t.Run(name, func(t *testing.T) {
			if w := deliver(t, rcv, "Bearer "+p.token(t, "RS256", "kid-1", claims(now, c.set))); w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
		})
	}
}

// While one request fetches the keys, another is not stuck behind a lock:
// it waits for that fetch or for its own context.
func TestEntraFetchHoldsNoLock(t *testing.T) {
	p := newIDP(t)
	now := time.Now()
	arrived, release := make(chan struct{}), make(chan struct{})
	keys := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		p.srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(keys.Close)
	rcv, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant, Audience: audience, KeysURL: keys.URL,
		Client: keys.Client()}}, &webhooktest.Sink{}, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := "Bearer " + p.token(t, "RS256", "kid-1", claims(now, nil))
	first := make(chan int)
	go func() { first <- deliver(t, rcv, tok).Code }()
	<-arrived
	req := httptest.NewRequest(http.MethodPost, "/webhooks/azure", bytes.NewReader(webhooktest.Fixture(t, "azure-metric-fired.json")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tok)
	ctx, cancel := context.WithCancel(req.Context())
	cancel()
	w := httptest.NewRecorder()
	rcv.ServeHTTP(w, req.WithContext(ctx)) // returns although the fetch still runs
	if w.Code == 200 {
		t.Fatalf("a canceled request passed: %d", w.Code)
	}
	close(release)
	if code := <-first; code != 200 {
		t.Fatalf("the fetching request: %d", code)
	}
}
