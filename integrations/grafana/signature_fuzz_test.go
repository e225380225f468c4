package grafana

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzVerify: any signature header, timestamp and body is answered without
// a panic, and only the right HMAC of the body passes.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	v := &verifier{secret: []byte("s3cret"), header: DefaultSignatureHeader, tsHeader: DefaultTimestampHeader,
		maxSkew: DefaultMaxSkew, now: func() time.Time { return now }}
	sign := func(ts, body string) string {
		m := hmac.New(sha256.New, v.secret)
		if ts != "" {
			m.Write([]byte(ts + ":"))
		}
		m.Write([]byte(body))
		return hex.EncodeToString(m.Sum(nil))
	}
	f.Add(sign("", `{"alerts":[]}`), "", `{"alerts":[]}`)
	f.Add(sign("1795348800", `{}`), "1795348800", `{}`)
	f.Add("sha256="+sign("", "x"), "", "x")
	f.Add("zz", "-1", "")
	f.Fuzz(func(t *testing.T, sig, ts, body string) {
		r := httptest.NewRequest("POST", "/webhooks/grafana", strings.NewReader(body))
		r.Header.Set(DefaultSignatureHeader, sig)
		r.Header.Set(DefaultTimestampHeader, ts)
		err := v.verify(r, []byte(body))
		if err != nil {
			return
		}
		got, _ := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(sig), "sha256="))
		want, _ := hex.DecodeString(sign(strings.TrimSpace(ts), body))
		if !hmac.Equal(got, want) {
			t.Fatalf("accepted a wrong signature %q for %q", sig, body)
		}
	})
}
