package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack"
)

// A signed request replayed inside the skew window takes effect once.
func TestReplayTakesEffectOnce(t *testing.T) {
	s := newStack(t, options{})
	body := []byte(url.Values{"command": {"/incident"}, "text": {"declare sev1 Replayed"}, "user_id": {"U0EVE"},
		"channel_id": {"C1"}, "trigger_id": {"t-1"}}.Encode())
	now := time.Now()
	for i := range 5 {
		rec := s.do(signed("/slack/commands", "application/x-www-form-urlencoded", body, now))
		want := http.StatusOK
		if i > 0 {
			want = http.StatusConflict
		}
		if rec.Code != want {
			t.Fatalf("attempt %d: %d, want %d: %s", i+1, rec.Code, want, rec.Body)
		}
	}
	s.app.Wait()
	if incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{}); len(incs) != 1 {
		t.Fatalf("%d incidents from one signed request", len(incs))
	}
}

// Upper-case hex, a re-encoded timestamp, a repeated form field and
// duplicate JSON keys are refused, and change nothing.
func TestNonCanonicalRefused(t *testing.T) {
	s := newStack(t, options{})
	now := time.Now()
	ts := strconv.FormatInt(now.Unix(), 10)
	cmd := []byte(url.Values{"command": {"/incident"}, "text": {"declare sev1 Forged"}, "user_id": {"U0EVE"}, "channel_id": {"C1"}}.Encode())
	payload := `{"type":"shortcut","callback_id":"warroom_declare_shortcut","trigger_id":"t","user":{"id":"U0EVE"},"type":"block_actions"}`
	cases := []struct {
		name, path string
		body       []byte
		sig        func(body []byte) (ts, sig string)
		want       int
	}{
		{"upper-case hex", "/slack/commands", cmd, func(b []byte) (string, string) {
			return ts, "v0=" + strings.ToUpper(strings.TrimPrefix(slack.Sign(secret, now.Unix(), b), "v0="))
		}, http.StatusUnauthorized},
		{"timestamp with a leading zero", "/slack/commands", cmd, func(b []byte) (string, string) {
			return "0" + ts, slack.Sign(secret, now.Unix(), b) // what a lax parser would accept
		}, http.StatusUnauthorized},
		{"timestamp with a plus sign", "/slack/commands", cmd, func(b []byte) (string, string) {
			return "+" + ts, slack.Sign(secret, now.Unix(), b)
		}, http.StatusUnauthorized},
		{"repeated text", "/slack/commands", append(append([]byte{}, cmd...), "&text=declare+sev1+Other"...), nil, http.StatusBadRequest},
		{"repeated payload", "/slack/interactions",
			[]byte(url.Values{"payload": {`{"type":"block_actions"}`, `{"type":"view_submission"}`}}.Encode()), nil, http.StatusBadRequest},
		{"duplicate JSON keys", "/slack/interactions", []byte(url.Values{"payload": {payload}}.Encode()), nil, http.StatusBadRequest},
		{"duplicate event keys", "/slack/events", []byte(`{"type":"url_verification","challenge":"a","challenge":"b"}`), nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := signed(c.path, "application/x-www-form-urlencoded", c.body, now)
			if c.sig != nil {
				ts, sig := c.sig(c.body)
				r.Header.Set("X-Slack-Request-Timestamp", ts)
				r.Header.Set("X-Slack-Signature", sig)
			}
			rec := s.do(r)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
			}
			var body map[string]any
			if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body["challenge"] != nil {
				t.Fatalf("answered a challenge: %s", rec.Body)
			}
		})
	}
	s.app.Wait()
	if incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{}); len(incs) != 0 {
		t.Errorf("refused requests stored %d incidents", len(incs))
	}
	if n := len(s.fake.Calls("")); n != 1 { // auth.test at start
		t.Errorf("refused requests made %d Slack calls", n-1)
	}
}
