package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// OIDC configures sign-in with an OpenID Connect provider (Keycloak, Okta,
// Microsoft Entra ID, Google): the authorization code flow with PKCE. The
// signed-in person is the console's user; their role comes from a claim.
type OIDC struct {
	Issuer       string // WARROOM_OIDC_ISSUER
	ClientID     string // WARROOM_OIDC_CLIENT_ID
	ClientSecret string // WARROOM_OIDC_CLIENT_SECRET
	// RedirectURL is where the provider sends the browser back:
	// <public URL>/auth/callback.
	RedirectURL string
	// Claim names the claim whose values map to roles; default "groups".
	Claim string
	// Roles maps a claim value (a group) to a role: viewer, responder or
	// admin. A person with none of them cannot sign in; with several, the
	// highest counts.
	Roles map[string]bot.TokenRole
	// Session is how long a sign-in lasts; default 12 h.
	Session time.Duration
	Client  *http.Client     // nil: a client with a 10 s timeout
	Now     func() time.Time // nil: time.Now
}

// Cookie names: the session, and the short-lived state of a sign-in.
const (
	sessionCookie = "warroom_session"
	flowCookie    = "warroom_oidc_flow"
	flowTTL       = 10 * time.Minute
)

// person is a signed-in person, as the session cookie carries it.
type person struct {
	Email string        `json:"e"`
	Name  string        `json:"n"`
	Role  bot.TokenRole `json:"r"`
	Exp   int64         `json:"x"` // Unix seconds
}

// user is the person's name in commands and the audit: the e-mail address,
// else the name.
func (p person) user() string {
	if p.Email != "" {
		return p.Email
	}
	return p.Name
}

// flow is what a sign-in remembers between leaving for the provider and
// coming back.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"o"`
	Verifier string `json:"v"`
	Next     string `json:"n"`
	Exp      int64  `json:"x"`
}

// signer is the OIDC sign-in of one console.
type signer struct {
	cfg      OIDC
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	key      []byte // HMAC key of the cookies
}

// newSigner discovers the provider (its discovery document and keys).
func newSigner(ctx context.Context, cfg OIDC) (*signer, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("console sign-in needs the issuer, the client id and the redirect URL")
	}
	if len(cfg.Roles) == 0 {
		return nil, errors.New("console sign-in needs a mapping from claim values to roles")
	}
	for v, r := range cfg.Roles {
		if _, err := bot.ParseTokenRole(string(r)); err != nil {
			return nil, fmt.Errorf("console sign-in: %q: %s", v, bot.ErrorMessage(err))
		}
	}
	if cfg.Claim == "" {
		cfg.Claim = "groups"
	}
	if cfg.Session <= 0 {
		cfg.Session = 12 * time.Hour
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx = oidc.ClientContext(ctx, cfg.Client)
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the OpenID provider %s: %w", cfg.Issuer, err)
	}
	scopes := []string{oidc.ScopeOpenID, "email", "profile"}
	if cfg.Claim == "groups" {
		scopes = append(scopes, "groups")
	}
	// The cookies are signed with a key derived from the client secret
	// and id: every replica derives the same, and a new secret signs
	// everyone out.
	m := hmac.New(sha256.New, []byte(cfg.ClientSecret))
	m.Write([]byte("warroom console session v2\x00" + cfg.ClientID))
	return &signer{
		cfg: cfg,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: cfg.RedirectURL, Scopes: scopes},
		verifier: p.VerifierContext(ctx, &oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
		key:      m.Sum(nil),
	}, nil
}

// seal signs v into a cookie value; open checks and reads one.
func (s *signer) seal(v any) string {
	b, _ := json.Marshal(v)
	body := base64.RawURLEncoding.EncodeToString(b)
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *signer) open(value string, v any) bool {
	body, sig, ok := strings.Cut(value, ".")
	if !ok {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(body))
	if !hmac.Equal(got, m.Sum(nil)) {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	return err == nil && json.Unmarshal(b, v) == nil
}

// session is the signed-in person of r, if any and not expired.
func (s *signer) session(r *http.Request) (person, bool) {
	ck, err := r.Cookie(sessionCookie)
	var p person
	if err != nil || !s.open(ck.Value, &p) || p.Role == "" {
		return person{}, false
	}
	return p, s.cfg.Now().Before(time.Unix(p.Exp, 0))
}

// role is the highest role the claim's values map to; "" for none.
func (s *signer) role(values []string) bot.TokenRole {
	var best bot.TokenRole
	for _, v := range values {
		if r, ok := s.cfg.Roles[v]; ok && (best == "" || r.Allows(best)) {
			best = r
		}
	}
	return best
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// start sends the browser to the provider, remembering state, nonce and
// the PKCE verifier in a signed cookie.
func (c *Console) oidcStart(w http.ResponseWriter, r *http.Request) {
	s := c.oidc
	f := flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(),
		Next: safeNext(r.URL.Query().Get("next")), Exp: s.cfg.Now().Add(flowTTL).Unix()}
	// Lax: the provider sends the browser back with a top-level GET from
	// its own site, which a Strict cookie would not accompany.
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: s.seal(f), Path: "/auth/", MaxAge: int(flowTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	http.Redirect(w, r, s.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), http.StatusFound)
}

// oidcCallback answers GET /auth/callback: it checks the state, redeems
// the code with the PKCE verifier, verifies the ID token and its nonce,
// maps the claim to a role and starts the session.
func (c *Console) oidcCallback(w http.ResponseWriter, r *http.Request) {
	s := c.oidc
	fail := func(status int, msg string, err error) {
		c.log.Warn("console sign-in refused", "reason", msg, "err", err, "remote", r.RemoteAddr)
		c.render(w, status, "login", loginData{Title: "Sign in", Next: "/", Error: msg, OIDC: true})
	}
	var f flow
	ck, err := r.Cookie(flowCookie)
	if err != nil || !s.open(ck.Value, &f) || s.cfg.Now().After(time.Unix(f.Exp, 0)) {
		fail(http.StatusBadRequest, "The sign-in took too long or did not start here: try again.", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flowCookie, Value: "", Path: "/auth/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		fail(http.StatusUnauthorized, "The identity provider refused the sign-in.", errors.New(e))
		return
	}
	if !httpx.TokenEqual(q.Get("state"), f.State) {
		fail(http.StatusBadRequest, "The sign-in did not start here: try again.", nil)
		return
	}
	ctx := oidc.ClientContext(r.Context(), s.cfg.Client)
	tok, err := s.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(f.Verifier))
	if err != nil {
		fail(http.StatusUnauthorized, "The identity provider did not confirm the sign-in.", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := s.verifier.Verify(ctx, raw)
	if err != nil || !httpx.TokenEqual(idt.Nonce, f.Nonce) {
		fail(http.StatusUnauthorized, "The identity provider's answer did not verify.", err)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		fail(http.StatusUnauthorized, "The identity provider's answer did not verify.", err)
		return
	}
	p := person{Email: claimString(claims, "email"), Name: claimString(claims, "name"), Exp: s.cfg.Now().Add(s.cfg.Session).Unix()}
	if p.Name == "" {
		p.Name = claimString(claims, "preferred_username")
	}
	if p.user() == "" {
		p.Name = idt.Subject
	}
	if p.Role = s.role(claimStrings(claims, s.cfg.Claim)); p.Role == "" {
		fail(http.StatusForbidden, "You signed in, but no role of warroom is granted to you.", nil)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.seal(p), Path: "/", MaxAge: int(s.cfg.Session / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	c.log.Info("console sign-in", "user", p.user(), "role", p.Role)
	http.Redirect(w, r, f.Next, http.StatusSeeOther)
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

// claimStrings reads a claim that is a string or a list of strings.
func claimStrings(claims map[string]any, name string) []string {
	switch v := claims[name].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return slices.Compact(out)
	}
	return nil
}

// viewer is who reads the console: without sign-in its operator, who sees
// everything; with it, the signed-in person (admins see private incidents).
func (c *Console) viewer(r *http.Request) bot.Viewer {
	if c.oidc == nil {
		return bot.Viewer{User: c.cfg.LocalUser, SeePrivate: true}
	}
	p, _ := c.oidc.session(r)
	return bot.Viewer{User: p.user(), SeePrivate: p.Role == bot.RoleAdmin}
}
