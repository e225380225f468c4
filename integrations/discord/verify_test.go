package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
)

// TestSignatureMatrix: every badly signed request is a plain 401 and
// stores nothing.
func TestSignatureMatrix(t *testing.T) {
	s := newStack(t, options{})
	body := []byte(`{"id":"1","application_id":"` + appID + `","type":2,"token":"t","channel_id":"` + parentID + `",` +
		`"member":{"user":{"id":"` + alice + `"}},"data":{"id":"1","name":"incident","type":1,"options":[{"name":"declare","type":1,"options":[{"name":"title","type":3,"value":"x"}]}]}}`)
	now := time.Now()
	_, otherKey, _ := ed25519.GenerateKey(nil)
	req := func(b []byte, ts time.Time, sig string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(b))
		r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts.Unix(), 10))
		if sig != "" {
			r.Header.Set("X-Signature-Ed25519", sig)
		}
		return r
	}
	tampered := bytes.Replace(body, []byte(`"value":"x"`), []byte(`"value":"y"`), 1)
	big := append(bytes.Repeat([]byte(" "), 1<<20), body...)
	dup := bytes.Replace(body, []byte(`"type":2,`), []byte(`"type":2,"type":1,`), 1)
	cases := []struct {
		name string
		r    *http.Request
	}{
		{"unsigned", req(body, now, "")},
		{"wrong key", req(body, now, discord.Sign(otherKey, now.Unix(), body))},
		{"tampered body", req(tampered, now, discord.Sign(priv, now.Unix(), body))},
		{"stale", req(body, now.Add(-6*time.Minute), discord.Sign(priv, now.Add(-6*time.Minute).Unix(), body))},
		{"future", req(body, now.Add(6*time.Minute), discord.Sign(priv, now.Add(6*time.Minute).Unix(), body))},
		{"wrong length", req(body, now, discord.Sign(priv, now.Unix(), body)[:100])},
		{"not hex", req(body, now, strings.Repeat("zz", 64))},
		{"oversized", req(big, now, discord.Sign(priv, now.Unix(), big))},
		{"upper-case hex", req(body, now, strings.ToUpper(discord.Sign(priv, now.Unix(), body)))},
		{"duplicate JSON keys", req(dup, now, discord.Sign(priv, now.Unix(), dup))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.do(c.r)
			if rec.Code != http.StatusUnauthorized && !(c.name == "duplicate JSON keys" && rec.Code == http.StatusBadRequest) {
				t.Errorf("status %d, want 401: %s", rec.Code, rec.Body)
			}
		})
	}
	if list, err := s.svc.List(context.Background(), bot.IncidentFilter{}); err != nil || len(list) != 0 {
		t.Errorf("incidents after bad requests: %v, %v", list, err)
	}
	// The same body, well signed, is accepted.
	if rec := s.do(signed(body, now)); rec.Code != http.StatusOK {
		t.Errorf("signed: status %d: %s", rec.Code, rec.Body)
	}
}

// TestPingAndDedup: PING is answered {"type":1}; an interaction id is
// handled once.
func TestPingAndDedup(t *testing.T) {
	s := newStack(t, options{})
	rec := s.do(signed([]byte(`{"id":"9","application_id":"`+appID+`","type":1,"token":"t","version":1}`), time.Now()))
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"type":1}` {
		t.Fatalf("ping: %d %s", rec.Code, rec.Body)
	}
	body := []byte(`{"id":"42","application_id":"` + appID + `","type":2,"token":"t","channel_id":"` + parentID + `",` +
		`"member":{"user":{"id":"` + alice + `"}},"data":{"id":"1","name":"incident","type":1,"options":[{"name":"declare","type":1,"options":[{"name":"title","type":3,"value":"Once"}]}]}}`)
	for i := range 2 {
		rec := s.do(signed(body, time.Now()))
		if rec.Code != http.StatusOK {
			t.Fatalf("try %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	list, err := s.svc.List(context.Background(), bot.IncidentFilter{})
	if err != nil || len(list) != 1 {
		t.Errorf("incidents = %d, %v; want 1", len(list), err)
	}
}

// TestBadPublicKeyFailsStart: a wrong key fails New, not a request.
func TestBadPublicKeyFailsStart(t *testing.T) {
	for _, k := range []string{"", "abc", strings.Repeat("ab", 31), strings.Repeat("zz", 32)} {
		if _, err := discord.ParsePublicKey(k); err == nil {
			t.Errorf("key %q accepted", k)
		}
	}
}
