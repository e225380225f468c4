package discord

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// transport points discordgo's REST client at DISCORD_API_URL (it has no
// option for that: it builds URLs from package-level endpoints), tells the
// Budget what Discord answered, and hides the rate-limit headers from
// discordgo, whose own per-process limiter would otherwise sleep inside an
// outbox job: the Budget does that work, without sleeping.
type transport struct {
	base   *url.URL // nil: Discord's own
	next   http.RoundTripper
	budget Budget
	now    func() time.Time
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	route := routeOf(r.Method, apiPath(r.URL.Path))
	if t.base != nil {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
		if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
			r.URL.Path = p + "/" + strings.TrimPrefix(apiPath(r.URL.Path), "/")
		}
	}
	res, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	t.budget.Observe(route, res.StatusCode, res.Header, t.now())
	for k := range res.Header {
		if strings.HasPrefix(k, "X-Ratelimit-") {
			res.Header.Del(k)
		}
	}
	return res, nil
}

// endpointRoute is the route of a call to a discordgo endpoint URL.
func endpointRoute(method, endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return method + " ?"
	}
	return routeOf(method, apiPath(u.Path))
}

// apiPath drops the "/api/v9" prefix of discordgo's endpoints.
func apiPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "/api/v"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i:]
		}
		return "/"
	}
	return p
}
