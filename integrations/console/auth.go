package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/warroom/warroom/internal/httpx"
)

// cookieName is the console's session cookie.
const cookieName = "warroom_console"

// sessionValue is what a logged-in browser's cookie holds: an HMAC of a fixed
// label keyed by the token, so that the cookie never carries the token and
// changing the token logs everyone out.
func sessionValue(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("warroom console session v1"))
	return hex.EncodeToString(m.Sum(nil))
}

// loggedIn reports whether r carries the session cookie, compared in
// constant time.
func (c *Console) loggedIn(r *http.Request) bool {
	if c.session == "" {
		return false
	}
	ck, err := r.Cookie(cookieName)
	return err == nil && httpx.TokenEqual(ck.Value, c.session)
}

// safeNext keeps a post-login destination on this site: a path, never
// another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	return next
}

type loginData struct {
	Title    string
	Next     string
	Error    string
	Disabled bool
	OIDC     bool // sign-in with the identity provider, not the token
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	if c.oidc != nil {
		c.oidcStart(w, r)
		return
	}
	if !c.cfg.Public {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if c.cfg.Token == "" {
		c.refuse(w, r)
		return
	}
	c.render(w, http.StatusOK, "login", loginData{Title: "Log in", Next: safeNext(r.URL.Query().Get("next"))})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	if c.oidc != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther) // no token login beside sign-in
		return
	}
	if !c.cfg.Public {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if c.cfg.Token == "" {
		c.refuse(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		c.render(w, http.StatusBadRequest, "login", loginData{Title: "Log in", Next: "/", Error: "The form could not be read."})
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	// Every attempt takes a slot of the client address's bucket, shared
	// by every replica through the store; with none left, even the right
	// token waits.
	wait, err := c.logins.TakeSlot(r.Context(), loginBucket+httpx.ClientAddr(r), c.now(), loginEvery, loginBurst)
	if err != nil {
		c.log.Error("console login limit", "err", err)
		c.render(w, http.StatusServiceUnavailable, "login", loginData{Title: "Log in", Next: next, Error: "Logging in is not possible right now: try again shortly."})
		return
	}
	if wait > 0 {
		c.log.Warn("console login attempts limited", "remote", r.RemoteAddr)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		c.render(w, http.StatusTooManyRequests, "login", loginData{Title: "Log in", Next: next, Error: "Too many attempts: wait a minute and try again."})
		return
	}
	if !httpx.TokenEqual(r.PostForm.Get("token"), c.cfg.Token) {
		c.log.Warn("console login refused", "remote", r.RemoteAddr)
		c.render(w, http.StatusUnauthorized, "login", loginData{Title: "Log in", Next: next, Error: "That is not the API token."})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: c.session, Path: "/", MaxAge: 7 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r),
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r),
	})
	if c.oidc != nil {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
		c.render(w, http.StatusOK, "login", loginData{Title: "Signed out", Next: "/", OIDC: true, Error: "You are signed out."})
		return
	}
	dest := "/login"
	if !c.cfg.Public {
		dest = "/"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// secure reports whether the browser reached us over HTTPS, directly or
// through a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// refuse answers that a public console needs a token configured.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/console/") {
		httpx.WriteError(w, http.StatusForbidden, "the console is disabled: set WARROOM_API_TOKEN to use it on a non-loopback address")
		return
	}
	c.render(w, http.StatusForbidden, "login", loginData{Title: "Console disabled", Disabled: true})
}

// loginURL is where the login form sends a person back to.
func loginURL(next string) string { return "/login?next=" + url.QueryEscape(safeNext(next)) }
