package azure

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

// FuzzVerify: any bearer token is answered without a panic or a fetch, and
// none but one signed by the tenant's key passes.
func FuzzVerify(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	v, err := newEntraVerifier(Entra{Tenant: tenant, Audience: "api://w", KeysURL: "http://127.0.0.1:1/never", Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	v.keys, v.fetched = map[string]*rsa.PublicKey{"k": &key.PublicKey}, now
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k"})
	c, _ := json.Marshal(map[string]any{"aud": "api://w", "tid": tenant, "iss": "https://sts.windows.net/" + tenant + "/", "exp": now.Add(time.Hour).Unix()})
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	sum := sha256.Sum256([]byte(signing))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	valid := signing + "." + enc.EncodeToString(sig)
	f.Add(valid)
	f.Add(signing + ".")
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, token string) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a fetch would fail at once; the keys are cached anyway
		if v.Verify(ctx, token) == nil && token != valid {
			t.Fatalf("accepted %q", token)
		}
	})
}
