package jira_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

const secret = "s3cret"

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// post sends a webhook body signed as Jira Cloud signs it.
func (e *env) post(v any, edit func(*http.Request)) *httptest.ResponseRecorder {
	e.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		e.t.Fatal(err)
	}
	mux := http.NewServeMux()
	e.j.Register(mux)
	r := httptest.NewRequest("POST", jira.WebhookPath, strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Hub-Signature", sign(body))
	if edit != nil {
		edit(r)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

func commentEvent(issue, id, author, accountID, body string, labels []string) map[string]any {
	is := map[string]any{"key": issue, "fields": map[string]any{"summary": "x"}}
	if labels != nil {
		is["fields"].(map[string]any)["labels"] = labels
	}
	return map[string]any{
		"webhookEvent": "comment_created", "timestamp": 1,
		"issue":   is,
		"comment": map[string]any{"id": id, "body": body, "author": map[string]any{"accountId": accountID, "displayName": author}},
	}
}

func statusEvent(issue, who, accountID, to string, labels []string) map[string]any {
	cat := "indeterminate"
	if to == "Done" {
		cat = "done"
	}
	return map[string]any{
		"webhookEvent": "jira:issue_updated", "timestamp": 2,
		"user": map[string]any{"accountId": accountID, "displayName": who},
		"issue": map[string]any{"key": issue, "fields": map[string]any{
			"labels": labels, "status": map[string]any{"name": to, "statusCategory": map[string]any{"key": cat}},
		}},
		"changelog": map[string]any{"id": "100" + to, "items": []map[string]any{{"field": "status", "fromString": "To Do", "toString": to}}},
	}
}

func TestWebhookAuth(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.WebhookSecret = secret })
	ev := commentEvent("OPS-1", "1", "Dana", "dana", "hi", []string{"warroom-inc-1"})
	for _, c := range []struct {
		name string
		edit func(*http.Request)
		want int
	}{
		{"missing", func(r *http.Request) { r.Header.Del("X-Hub-Signature") }, 401},
		{"wrong", func(r *http.Request) { r.Header.Set("X-Hub-Signature", "sha256=00") }, 401},
		{"not sha256", func(r *http.Request) { r.Header.Set("X-Hub-Signature", "sha1=00") }, 401},
		{"in the query", func(r *http.Request) { r.URL.RawQuery = "secret=" + secret }, 401},
		{"wrong bearer", func(r *http.Request) {
			r.Header.Del("X-Hub-Signature")
			r.Header.Set("Authorization", "Bearer nope")
		}, 401},
		{"bearer", func(r *http.Request) {
			r.Header.Del("X-Hub-Signature")
			r.Header.Set("Authorization", "Bearer "+secret)
		}, 200},
		{"signed", nil, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			if w := e.post(ev, c.edit); w.Code != c.want {
				t.Fatalf("status %d, want %d: %s", w.Code, c.want, w.Body)
			}
		})
	}
	off := newEnv(t, nil)
	if w := off.post(ev, nil); w.Code != 401 || !strings.Contains(w.Body.String(), "JIRA_WEBHOOK_SECRET") {
		t.Fatalf("without a secret: %d %s", w.Code, w.Body)
	}
}

func TestWebhookMirrorsPeopleNotWarroom(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.WebhookSecret = secret })
	inc := e.declare(bot.SEV2, "Search slow")
	e.drain()
	labels := []string{"warroom-inc-1"}
	sent := len(e.fake.log())
	for _, c := range []struct {
		name string
		ev   map[string]any
		want string
	}{
		{"person comments", commentEvent("OPS-1", "7", "Dana", "dana", "Vendor confirms the bug", labels), "comment recorded"},
		{"redelivered", commentEvent("OPS-1", "7", "Dana", "dana", "Vendor confirms the bug", labels), "duplicate delivery"},
		{"comment without labels", commentEvent("OPS-1", "8", "Erin", "erin", "Me too", nil), "comment recorded"},
		{"warroom's comment", commentEvent("OPS-1", "9", "Someone", "x", "*Note* by bob:\nhi\n\n~warroom INC-1 e4~", labels), "ignored: written by warroom"},
		{"warroom's account", commentEvent("OPS-1", "10", "warroom bot", "bot-account", "plain", labels), "ignored: written by warroom"},
		{"person resolves", statusEvent("OPS-1", "Dana", "dana", "Done", labels), "status change recorded"},
		{"warroom transitions", statusEvent("OPS-1", "warroom bot", "bot-account", "In Progress", labels), "ignored: changed by warroom"},
		{"not warroom's issue", commentEvent("OPS-9", "11", "Dana", "dana", "hi", []string{"other"}), "ignored: not a warroom issue"},
	} {
		w := e.post(c.ev, nil)
		var got map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &got)
		if w.Code != 200 || got["result"] != c.want {
			t.Errorf("%s: %d %s, want %q", c.name, w.Code, w.Body, c.want)
		}
	}
	var notes []string
	for _, en := range must[[]bot.Entry](t)(e.svc.Timeline(e.ctx, inc.Number)) {
		if en.Kind == bot.EntryNote {
			notes = append(notes, en.Actor+": "+en.Text)
		}
	}
	want := []string{
		"Dana: Dana commented on Jira OPS-1: Vendor confirms the bug",
		"Erin: Erin commented on Jira OPS-1: Me too",
		"Dana: Dana moved Jira OPS-1 to Done",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	e.drain()
	if got := e.fake.log()[sent:]; len(got) != 0 {
		t.Errorf("mirrored changes echoed back to Jira: %q", got)
	}
}

func TestWebhookActionIssueDoneCompletesItem(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) { c.WebhookSecret = secret })
	inc := e.declare(bot.SEV2, "Backups failing")
	e.drain()
	must[*bot.ActionItem](t)(e.svc.AddAction(e.ctx, inc.Number, "alice", bot.ActionInput{Title: "Test restores weekly"}))
	e.drain()
	sent := len(e.fake.log())
	w := e.post(statusEvent("OPS-2", "Bob", "bob", "Done", []string{"warroom-inc-1-action-1"}), nil)
	if !strings.Contains(w.Body.String(), "action item done") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	items := must[[]bot.ActionItem](t)(e.svc.Actions(e.ctx, bot.ActionFilter{Incident: inc.Number}))
	if items[0].Status != bot.ActionDone {
		t.Fatalf("item = %+v", items[0])
	}
	e.drain()
	if got := e.fake.log()[sent:]; len(got) != 0 {
		t.Errorf("echoed back to Jira: %q", got)
	}
	if w := e.post(statusEvent("OPS-2", "Bob", "bob", "Done", []string{"warroom-inc-1-action-1"}), func(r *http.Request) {}); !strings.Contains(w.Body.String(), "duplicate delivery") && !strings.Contains(w.Body.String(), "already done") {
		t.Fatalf("second delivery: %s", w.Body)
	}
}
