package alertmanager_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/alertmanager"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

const token = "hook-s3cret"

type env struct {
	srv   *httptest.Server
	svc   *bot.Service
	store bot.Store
	reg   *prometheus.Registry
}

// newEnv serves the receiver over HTTP in front of the real Service on a
// SQLite file.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := webhooktest.NewEnv(t, bot.Config{})
	svc, store, log := e.Svc, e.Store, e.Log
	reg := prometheus.NewRegistry()
	rcv, err := alertmanager.New(alertmanager.Config{Token: token}, svc, reg, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	rcv.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{srv: srv, svc: svc, store: store, reg: reg}
}

// deliver posts body like Alertmanager does, retrying 5xx as it does.
func (e *env) deliver(t testing.TB, client *http.Client, body []byte) (int, string) {
	t.Helper()
	var code int
	var answer string
	for attempt := 0; attempt < 10; attempt++ {
		req, err := http.NewRequest("POST", e.srv.URL+"/webhooks/alertmanager", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("User-Agent", "Alertmanager/0.25.0")
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		code, answer = resp.StatusCode, b.String()
		if code < 500 {
			break
		}
	}
	return code, answer
}

func (e *env) incidents(t *testing.T) []*bot.Incident {
	t.Helper()
	incs, err := e.svc.List(context.Background(), bot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return incs
}

func (e *env) counter(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue next
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

func TestThousandDuplicateDeliveriesMakeOneIncident(t *testing.T) {
	e := newEnv(t)
	body := webhooktest.Fixture(t, "alertmanager-v4-firing.json")
	const deliveries, workers = 1000, 16
	var mu sync.Mutex
	accepted, duplicates := 0, 0
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{}
			for range jobs {
				code, answer := e.deliver(t, client, body)
				if code != 200 {
					t.Errorf("status %d: %s", code, answer)
					continue
				}
				var a struct{ Accepted, Duplicates int }
				if err := json.Unmarshal([]byte(answer), &a); err != nil {
					t.Error(err)
					continue
				}
				mu.Lock()
				accepted += a.Accepted
				duplicates += a.Duplicates
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < deliveries; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if incs := e.incidents(t); len(incs) != 1 {
		t.Fatalf("%d incidents, want 1", len(incs))
	}
	if accepted != 2 || duplicates != 2*deliveries-2 {
		t.Fatalf("accepted %d, duplicates %d", accepted, duplicates)
	}
	if got := e.counter(t, "warroom_webhook_deliveries_total", map[string]string{"source": "alertmanager", "outcome": "duplicate"}); got < deliveries-1-workers {
		t.Fatalf("duplicate deliveries counted %v", got)
	}
	if got := e.counter(t, "warroom_webhook_alerts_total", map[string]string{"source": "alertmanager", "outcome": "accepted"}); got != 2 {
		t.Fatalf("accepted alerts counted %v", got)
	}
}

func TestFiringThenResolved(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	client := &http.Client{}
	for _, step := range []struct {
		file     string
		accepted int
	}{
		{"alertmanager-v4-firing.json", 2},
		{"alertmanager-v4-firing.json", 0}, // the group_interval repeat
		{"alertmanager-v4-partially-resolved.json", 1},
		{"alertmanager-v4-resolved.json", 1},
		{"alertmanager-v4-resolved.json", 0}, // the HA peer's copy
	} {
		code, answer := e.deliver(t, client, webhooktest.Fixture(t, step.file))
		if code != 200 || !strings.Contains(answer, fmt.Sprintf(`"accepted":%d,`, step.accepted)) {
			t.Fatalf("%s: %d %s, want %d accepted", step.file, code, answer, step.accepted)
		}
	}
	incs := e.incidents(t)
	if len(incs) != 1 {
		t.Fatalf("%d incidents", len(incs))
	}
	alerts, err := e.store.Alerts(ctx, bot.AlertFilter{Incident: incs[0].Number})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 2 {
		t.Fatalf("%d alerts on the incident", len(alerts))
	}
	for _, a := range alerts {
		if a.Status != bot.AlertResolved || a.EndsAt == nil {
			t.Fatalf("alert %s not resolved: %+v", a.Fingerprint, a)
		}
	}
	entries, err := e.svc.Timeline(ctx, incs[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 3 {
		t.Fatalf("timeline has %d entries", len(entries))
	}
}

func TestRefusedSenderIsCounted(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest("POST", e.srv.URL+"/webhooks/alertmanager?token="+token, strings.NewReader(string(webhooktest.Fixture(t, "alertmanager-v4-firing.json"))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if got := e.counter(t, "warroom_webhook_refused_total", map[string]string{"source": "alertmanager", "reason": "auth"}); got != 1 {
		t.Fatalf("refused counted %v", got)
	}
	if len(e.incidents(t)) != 0 {
		t.Fatal("a refused delivery made an incident")
	}
}
