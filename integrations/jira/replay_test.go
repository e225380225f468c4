package jira_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

func (e *env) notes(t *testing.T, n int64) int {
	t.Helper()
	c := 0
	for _, en := range must[[]bot.Entry](t)(e.svc.Timeline(e.ctx, n)) {
		if en.Kind == bot.EntryNote {
			c++
		}
	}
	return c
}

// A signed change replayed with fresh delivery identifiers is applied once:
// the key is the signed changelog id; without one, the delivery identifier.
func TestWebhookReplayAppliedOnce(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.WebhookSecret = secret })
	inc := e.declare(bot.SEV2, "Search slow")
	e.drain()
	labels := []string{"warroom-inc-1"}
	ev := statusEvent("OPS-1", "Dana", "dana", "In Progress", labels)
	for i := range 10 {
		w := e.post(ev, func(r *http.Request) { r.Header.Set("X-Atlassian-Webhook-Identifier", fmt.Sprintf("fresh-%d", i)) })
		if w.Code != 200 {
			t.Fatalf("delivery %d: %d %s", i, w.Code, w.Body)
		}
	}
	if n := e.notes(t, inc.Number); n != 1 {
		t.Fatalf("%d notes from one signed change, want 1", n)
	}
	noID := statusEvent("OPS-1", "Dana", "dana", "Blocked", labels)
	delete(noID["changelog"].(map[string]any), "id")
	for range 3 {
		w := e.post(noID, func(r *http.Request) { r.Header.Set("X-Atlassian-Webhook-Identifier", "delivery-7") })
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	if n := e.notes(t, inc.Number); n != 2 {
		t.Fatalf("%d notes after one delivery sent three times, want 2", n)
	}
}

// Non-canonical signatures and bodies are refused and change nothing.
func TestWebhookNonCanonicalRefused(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.WebhookSecret = secret })
	inc := e.declare(bot.SEV2, "Search slow")
	e.drain()
	body := `{"webhookEvent":"comment_created","timestamp":1,` +
		`"issue":{"key":"OPS-1","fields":{"summary":"x","labels":["warroom-inc-1"]}},` +
		`"comment":{"id":"5","body":"first","body":"second","author":{"accountId":"dana","displayName":"Dana"}}}`
	good := strings.Replace(body, `"body":"first",`, "", 1)
	for _, c := range []struct {
		name, body string
		edit       func(*http.Request)
	}{
		{"upper-case hex", good, func(r *http.Request) {
			r.Header.Set("X-Hub-Signature", "sha256="+strings.ToUpper(strings.TrimPrefix(sign([]byte(good)), "sha256=")))
		}},
		{"upper-case algorithm", good, func(r *http.Request) {
			r.Header.Set("X-Hub-Signature", "SHA256="+strings.TrimPrefix(sign([]byte(good)), "sha256="))
		}},
		{"padded signature", good, func(r *http.Request) { r.Header.Set("X-Hub-Signature", sign([]byte(good))+" ") }},
		{"two signatures", good, func(r *http.Request) { r.Header.Add("X-Hub-Signature", "sha256=00") }},
		{"duplicate JSON keys", body, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", jira.WebhookPath, strings.NewReader(c.body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Hub-Signature", sign([]byte(c.body)))
			if c.edit != nil {
				c.edit(r)
			}
			mux := http.NewServeMux()
			e.j.Register(mux)
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			if w.Code != 401 && w.Code != 400 {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
		})
	}
	if n := e.notes(t, inc.Number); n != 0 {
		t.Fatalf("refused deliveries wrote %d notes", n)
	}
	r := httptest.NewRequest("POST", jira.WebhookPath, strings.NewReader(good))
	r.Header.Set("X-Hub-Signature", sign([]byte(good)))
	mux := http.NewServeMux()
	e.j.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 200 || e.notes(t, inc.Number) != 1 {
		t.Fatalf("the canonical delivery: %d %s", w.Code, w.Body)
	}
}
