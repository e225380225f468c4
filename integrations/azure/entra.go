package azure

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Entra configures Azure's secure webhooks: an action group whose webhook
// has "Enable secure webhook" on sends a Microsoft Entra ID access token of
// the tenant, issued for the application warroom is registered as, in
// Authorization: Bearer. warroom checks its RS256 signature against the
// tenant's published signing keys and its tenant, issuer, audience and
// lifetime.
type Entra struct {
	Tenant   string // AZURE_TENANT_ID: the directory (tenant) id
	Audience string // AZURE_WEBHOOK_AUDIENCE: the application id URI or client id the token is for
	// KeysURL is where the tenant's signing keys are published; default
	// https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys.
	KeysURL string
	// AppIDs, when set, are the only caller applications accepted: the
	// token's appid (v1) or azp (v2) must be one of them
	// (AZURE_WEBHOOK_APP_IDS; Azure Monitor's is
	// 461e8683-5575-4561-ac7f-899cc907d62a).
	AppIDs []string
	Client *http.Client     // nil: a client with a 10 s timeout
	Now    func() time.Time // nil: time.Now
}

// clockSkew is how far token times may be off the local clock.
const clockSkew = 5 * time.Minute

// keysRefresh is how long fetched keys are trusted, and how soon an
// unknown key id may trigger another fetch.
const (
	keysMaxAge   = 24 * time.Hour
	keysMinDelay = 5 * time.Minute
	// keysFailDelay is how long a failed fetch is remembered: tokens
	// needing a fetch meanwhile are refused without one.
	keysFailDelay = time.Minute
)

// entraVerifier checks Entra ID access tokens.
type entraVerifier struct {
	cfg      Entra
	mu       sync.Mutex
	keys     map[string]*rsa.PublicKey
	fetched  time.Time
	failed   time.Time     // the last failed fetch
	inflight chan struct{} // closed when the running fetch ends; nil when none runs
}

func newEntraVerifier(cfg Entra) (*entraVerifier, error) {
	if cfg.Tenant == "" || cfg.Audience == "" {
		return nil, errors.New("azure secure webhooks need both the tenant id and the audience")
	}
	if strings.ContainsAny(cfg.Tenant, "/?#") {
		return nil, fmt.Errorf("azure tenant id %q is not a tenant id", cfg.Tenant)
	}
	if cfg.KeysURL == "" {
		cfg.KeysURL = "https://login.microsoftonline.com/" + cfg.Tenant + "/discovery/v2.0/keys"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &entraVerifier{cfg: cfg}, nil
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

type jwtClaims struct {
	Aud   audience `json:"aud"`
	Iss   string   `json:"iss"`
	Tid   string   `json:"tid"`
	Exp   int64    `json:"exp"`
	Nbf   int64    `json:"nbf"`
	AppID string   `json:"appid"` // the caller application, v1 tokens
	Azp   string   `json:"azp"`   // the caller application, v2 tokens
}

// audience is a JWT "aud": one string or a list.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor a list of strings")
	}
	*a = many
	return nil
}

// Verify returns nil when token is a valid access token of the configured
// tenant for the configured audience.
func (v *entraVerifier) Verify(ctx context.Context, token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("not a JSON web token")
	}
	var h jwtHeader
	if err := decodeSegment(parts[0], &h); err != nil {
		return fmt.Errorf("token header: %w", err)
	}
	if h.Alg != "RS256" {
		return fmt.Errorf("token algorithm %q is not RS256", h.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("token signature is not base64url")
	}
	key, err := v.key(ctx, h.Kid)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("token signature does not verify")
	}
	var c jwtClaims
	if err := decodeSegment(parts[1], &c); err != nil {
		return fmt.Errorf("token claims: %w", err)
	}
	return v.checkClaims(c)
}

func (v *entraVerifier) checkClaims(c jwtClaims) error {
	t := v.cfg.Tenant
	if c.Tid != t {
		return errors.New("token is from another tenant")
	}
	if c.Iss != "https://login.microsoftonline.com/"+t+"/v2.0" && c.Iss != "https://sts.windows.net/"+t+"/" {
		return errors.New("token issuer is not the tenant's")
	}
	if !slices.Contains(c.Aud, v.cfg.Audience) {
		return errors.New("token is not for this audience")
	}
	now := v.cfg.Now()
	if c.Exp == 0 || now.After(time.Unix(c.Exp, 0).Add(clockSkew)) {
		return errors.New("token has expired")
	}
	if c.Nbf != 0 && now.Add(clockSkew).Before(time.Unix(c.Nbf, 0)) {
		return errors.New("token is not valid yet")
	}
	if len(v.cfg.AppIDs) > 0 && !slices.ContainsFunc(v.cfg.AppIDs, func(id string) bool {
		return id != "" && (strings.EqualFold(id, c.AppID) || strings.EqualFold(id, c.Azp))
	}) {
		return errors.New("token's caller application is not allowed")
	}
	return nil
}

// errKeysUnavailable refuses tokens while a failed fetch is remembered.
var errKeysUnavailable = errors.New("the tenant's signing keys are unavailable; try again shortly")

// key returns the signing key kid, fetching the tenant's keys when they are
// old or kid is unknown (at most once per keysMinDelay, and not again for
// keysFailDelay after a failure). No lock is held while fetching: callers
// that need the same fetch wait for it, or for their context.
func (v *entraVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	for {
		v.mu.Lock()
		now := v.cfg.Now()
		k, ok := v.keys[kid]
		stale := now.Sub(v.fetched) > keysMaxAge
		switch {
		case ok && !stale:
			v.mu.Unlock()
			return k, nil
		case v.inflight != nil:
			ch := v.inflight
			v.mu.Unlock()
			select {
			case <-ch:
				continue // look again at what it found
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		case !v.failed.IsZero() && now.Sub(v.failed) < keysFailDelay:
			v.mu.Unlock()
			return nil, errKeysUnavailable
		case !stale && now.Sub(v.fetched) < keysMinDelay:
			v.mu.Unlock()
			return nil, errors.New("token signing key is unknown")
		}
		ch := make(chan struct{})
		v.inflight = ch
		v.mu.Unlock()

		// the fetch outlives the caller that started it: others wait on it
		keys, err := v.fetch(context.WithoutCancel(ctx))

		v.mu.Lock()
		v.inflight = nil
		close(ch)
		if err != nil {
			v.failed = v.cfg.Now()
			v.mu.Unlock()
			return nil, fmt.Errorf("fetch the tenant's signing keys: %w", err)
		}
		v.keys, v.fetched, v.failed = keys, now, time.Time{}
		k, ok = keys[kid]
		v.mu.Unlock()
		if !ok {
			return nil, errors.New("token signing key is unknown")
		}
		return k, nil
	}
}

type jwks struct {
	Keys []struct {
		Kty string `json:"kty"`
		Kid string `json:"kid"`
		N   string `json:"n"`
		E   string `json:"e"`
	} `json:"keys"`
}

func (v *entraVerifier) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.KeysURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.cfg.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("keys endpoint answered %d", resp.StatusCode)
	}
	var set jwks
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode keys: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	}
	return keys, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("not base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("not JSON")
	}
	return nil
}
