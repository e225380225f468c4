package azure_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/azure"
	"github.com/warroom/warroom/integrations/internal/webhooktest"
)

const (
	tenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	audience = "api://warroom-webhooks"
)

// idp is a fake Microsoft Entra ID: it publishes signing keys the way
// login.microsoftonline.com/<tenant>/discovery/v2.0/keys does, and signs
// access tokens with them.
type idp struct {
	key     *rsa.PrivateKey
	kid     string
	fetches atomic.Int32
	srv     *httptest.Server
}

func newIDP(t *testing.T) *idp {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{key: key, kid: "kid-1"}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		enc := base64.RawURLEncoding
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "use": "sig", "kid": p.kid,
			"n": enc.EncodeToString(key.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// token signs claims with header alg and kid; a non-RS256 alg gets no
// signature.
func (p *idp) token(t *testing.T, alg, kid string, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	if alg != "RS256" {
		return signing + "."
	}
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, p.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + enc.EncodeToString(sig)
}

func claims(now time.Time, change func(map[string]any)) map[string]any {
	c := map[string]any{
		"aud": audience, "iss": "https://login.microsoftonline.com/" + tenant + "/v2.0", "tid": tenant,
		"exp": now.Add(time.Hour).Unix(), "nbf": now.Add(-time.Minute).Unix(), "iat": now.Add(-time.Minute).Unix(),
	}
	if change != nil {
		change(c)
	}
	return c
}

func TestSecureWebhook(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	p := newIDP(t)
	sink := &webhooktest.Sink{}
	rcv, err := azure.New(azure.Config{Token: "static-token", Entra: azure.Entra{
		Tenant: tenant, Audience: audience, KeysURL: p.srv.URL, Client: p.srv.Client(), Now: func() time.Time { return now },
	}}, sink, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	body := webhooktest.Fixture(t, "azure-metric-fired.json")
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	forged := &idp{key: other, kid: p.kid}
	tests := []struct {
		name string
		auth string
		want int
	}{
		{"valid Entra token", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, nil)), 200},
		{"v1 issuer, audience in a list", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) {
			c["iss"], c["aud"] = "https://sts.windows.net/"+tenant+"/", []string{"other", audience}
		})), 200},
		{"the static token still works", "Bearer static-token", 200},
		{"another tenant", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) { c["tid"] = "00000000-0000-0000-0000-000000000000" })), 401},
		{"another issuer", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) { c["iss"] = "https://evil.example/" + tenant + "/v2.0" })), 401},
		{"another audience", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) { c["aud"] = "api://someone-else" })), 401},
		{"expired", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) { c["exp"] = now.Add(-10 * time.Minute).Unix() })), 401},
		{"not yet valid", "Bearer " + p.token(t, "RS256", "kid-1", claims(now, func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), 401},
		{"signed by another key", "Bearer " + forged.token(t, "RS256", "kid-1", claims(now, nil)), 401},
		{"alg none", "Bearer " + p.token(t, "none", "kid-1", claims(now, nil)), 401},
		{"unknown key id", "Bearer " + p.token(t, "RS256", "kid-9", claims(now, nil)), 401},
		{"garbage", "Bearer not.a.token", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sink.Calls()
			req := httptest.NewRequest(http.MethodPost, "/webhooks/azure", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", tt.auth)
			w := httptest.NewRecorder()
			rcv.ServeHTTP(w, req)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body)
			}
			if delivered := sink.Calls() > before; delivered != (tt.want == 200) {
				t.Errorf("delivered = %v with status %d", delivered, w.Code)
			}
			if tt.want == 401 && strings.Contains(w.Body.String(), "static-token") {
				t.Errorf("the refusal leaks the token: %s", w.Body)
			}
		})
	}
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("the signing keys were fetched %d times, want once (cached, and an unknown key id refetches at most every 5 minutes)", n)
	}
}

func TestSecureWebhookAloneNeedsNoStaticToken(t *testing.T) {
	p := newIDP(t)
	now := time.Now()
	rcv, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant, Audience: audience, KeysURL: p.srv.URL, Client: p.srv.Client()}},
		&webhooktest.Sink{}, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for auth, want := range map[string]int{
		"Bearer " + p.token(t, "RS256", "kid-1", claims(now, nil)): 200,
		"Bearer ":      401,
		"Bearer guess": 401,
	} {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/azure", bytes.NewReader(webhooktest.Fixture(t, "azure-metric-fired.json")))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		rcv.ServeHTTP(w, req)
		if w.Code != want {
			t.Errorf("%.20q: status %d, want %d", auth, w.Code, want)
		}
	}
	if _, err := azure.New(azure.Config{Entra: azure.Entra{Tenant: tenant}}, &webhooktest.Sink{}, prometheus.NewRegistry(), nil); err == nil {
		t.Error("a tenant without an audience must be refused at start-up")
	}
}
