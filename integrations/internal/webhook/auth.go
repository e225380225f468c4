package webhook

import (
	"net/http"

	"github.com/warroom/warroom/internal/httpx"
)

// queryTokenNames are query parameters that carry credentials. A request
// with one is refused even when the value is right: URLs end up in logs,
// proxies and browser histories.
var queryTokenNames = []string{"token", "access_token", "api_key", "apikey", "key", "secret", "password"}

// queryToken returns the name of the first credential-looking query
// parameter of r, or "".
func queryToken(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	q := r.URL.Query()
	for _, n := range queryTokenNames {
		if q.Has(n) {
			return n
		}
	}
	return ""
}

// checkToken returns "" when r carries the webhook token as a bearer token
// or as the basic-auth password (any user name), and otherwise the reason
// it is refused. Both candidates are always compared, in constant time.
func (h *Handler) checkToken(r *http.Request) string {
	if h.cfg.Token == "" && h.cfg.VerifyBearer == nil {
		return "monitoring webhooks are refused until WARROOM_WEBHOOK_TOKEN is set on the warroom server"
	}
	bearer := httpx.BearerToken(r)
	_, password, basic := r.BasicAuth()
	if bearer == "" && (!basic || password == "") {
		return "missing webhook token: send Authorization: Bearer $WARROOM_WEBHOOK_TOKEN, or the token as the basic-auth password"
	}
	okBearer := httpx.TokenEqual(bearer, h.cfg.Token)
	okBasic := httpx.TokenEqual(password, h.cfg.Token)
	if okBearer || okBasic {
		return ""
	}
	if bearer != "" && h.cfg.VerifyBearer != nil {
		if err := h.cfg.VerifyBearer(r.Context(), bearer); err != nil {
			// why stays in the log: it may name internal hosts and dial
			// errors, and tells a forger what to fix
			h.log.Warn("webhook bearer token refused", "sender", h.cfg.Sender, "remote", r.RemoteAddr, "err", err)
			return "bearer token refused"
		}
		return ""
	}
	return "wrong webhook token"
}
