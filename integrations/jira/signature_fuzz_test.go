package jira

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCheckSignature: any X-Hub-Signature or Authorization header is
// answered without a panic; only the canonical signature or the secret
// passes.
func FuzzCheckSignature(f *testing.F) {
	j := &Jira{cfg: Config{WebhookSecret: "s"}}
	body := `{"webhookEvent":"comment_created"}`
	m := hmac.New(sha256.New, []byte("s"))
	m.Write([]byte(body))
	good := "sha256=" + hex.EncodeToString(m.Sum(nil))
	f.Add(good, "", body)
	f.Add(strings.ToUpper(good), "", body)
	f.Add("", "Bearer s", body)
	f.Add("sha1=00", "Basic x", "")
	f.Fuzz(func(t *testing.T, sig, auth, body string) {
		r := httptest.NewRequest("POST", WebhookPath, strings.NewReader(body))
		if sig != "" {
			r.Header.Set("X-Hub-Signature", sig)
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		if j.checkSignature(r, []byte(body)) != "" {
			return
		}
		m := hmac.New(sha256.New, []byte("s"))
		m.Write([]byte(body))
		want := "sha256=" + hex.EncodeToString(m.Sum(nil))
		if r.Header.Get("X-Hub-Signature") != want && (r.Header.Get("X-Hub-Signature") != "" || !strings.HasSuffix(auth, "s")) {
			t.Fatalf("accepted sig %q auth %q", sig, auth)
		}
	})
}
