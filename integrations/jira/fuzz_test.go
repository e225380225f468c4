package jira

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// stubService knows no incident.
type stubService struct{}

func (stubService) Get(context.Context, int64) (*bot.Incident, error) { return nil, bot.ErrNotFound }
func (stubService) Outward(inc *bot.Incident) *bot.Incident           { return inc }
func (stubService) Timeline(context.Context, int64) ([]bot.Entry, error) {
	return nil, bot.ErrNotFound
}
func (stubService) Actions(context.Context, bot.ActionFilter) ([]bot.ActionItem, error) {
	return nil, nil
}
func (stubService) SetLink(context.Context, bot.Cause, int64, string, string, bot.Link) (*bot.Incident, error) {
	return nil, bot.Errorf(bot.CodeNotFound, "no")
}
func (stubService) SetActionTicket(context.Context, bot.Cause, int64, int, string, string, string) (*bot.ActionItem, error) {
	return nil, bot.Errorf(bot.CodeNotFound, "no")
}
func (stubService) CompleteAction(context.Context, bot.Cause, int64, string, int) (*bot.ActionItem, error) {
	return nil, bot.Errorf(bot.CodeNotFound, "no")
}
func (stubService) MirrorNote(context.Context, bot.Cause, int64, string, string, map[string]string) (*bot.Incident, error) {
	return nil, bot.Errorf(bot.CodeNotFound, "no")
}
func (stubService) RequestTicketSync(context.Context, int64, string) error { return nil }
func (stubService) Fields() []bot.FieldDef                                 { return nil }
func (stubService) SaveMessage(context.Context, *bot.PostedMessage) error  { return nil }
func (stubService) ClaimMessage(context.Context, *bot.PostedMessage, *bot.PostedMessage) (bool, error) {
	return true, nil
}
func (stubService) MessageByRef(context.Context, string, string) (*bot.PostedMessage, error) {
	return nil, bot.ErrNotFound
}

// FuzzWebhook feeds signed bodies to POST /webhooks/jira: it answers, never
// panics, and never answers 5xx.
func FuzzWebhook(f *testing.F) {
	f.Add(`{"webhookEvent":"comment_created","issue":{"key":"OPS-1","fields":{"labels":["warroom-inc-1"]}},"comment":{"id":"1","body":"hi","author":{"accountId":"a"}}}`)
	f.Add(`{"webhookEvent":"jira:issue_updated","user":{"name":"x"},"issue":{"key":"OPS-2","fields":{"labels":["warroom-inc-1-action-2"],"status":{"statusCategory":{"key":"done"}}}},"changelog":{"items":[{"field":"status","toString":"Done"}]}}`)
	f.Add(`{}`)
	f.Add(`[`)
	jiraSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"key":"OPS-1","fields":{"labels":["warroom-inc-9"]}}`))
	}))
	defer jiraSrv.Close()
	j, err := New(Config{URL: jiraSrv.URL, User: "u", Token: "t", Project: "OPS", WebhookSecret: "s"}, stubService{})
	if err != nil {
		f.Fatal(err)
	}
	mux := http.NewServeMux()
	j.Register(mux)
	f.Fuzz(func(t *testing.T, body string) {
		m := hmac.New(sha256.New, []byte("s"))
		m.Write([]byte(body))
		r := httptest.NewRequest("POST", WebhookPath, strings.NewReader(body))
		r.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		if w.Code >= 500 && !strings.Contains(w.Body.String(), "read jira issue") {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
	})
}

func FuzzParseLabels(f *testing.F) {
	f.Add("warroom-inc-42")
	f.Add("warroom-inc-42-action-3")
	f.Add("warroom-inc-99999999999999999999")
	f.Fuzz(func(t *testing.T, l string) {
		n, seq, ok := parseLabels([]string{l})
		if ok && (n <= 0 || seq < 0) {
			t.Fatalf("parseLabels(%q) = %d, %d", l, n, seq)
		}
		if ok && seq == 0 && label(n) != l {
			t.Fatalf("parseLabels(%q) = %d does not round-trip", l, n)
		}
	})
}
