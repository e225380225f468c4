package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

// provider is an in-process OpenID provider (discovery, JWKS, token
// endpoint, PKCE) and a console configured to sign in with it.
type provider struct {
	m     *mockoidc.MockOIDC
	s     *stack
	clock *testkit.Clock
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	cfg := m.Config()
	clock := testkit.NewClock(time.Now())
	s := newStack(t, console.Config{Now: clock.Now, OIDC: &console.OIDC{
		Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: "http://127.0.0.1:8080/auth/callback",
		Roles:       map[string]bot.TokenRole{"sre": bot.RoleResponder, "leads": bot.RoleAdmin, "staff": bot.RoleViewer},
		Session:     time.Hour, Now: clock.Now,
	}})
	return &provider{m: m, s: s, clock: clock}
}

// signIn runs the whole flow for a person with groups and returns the
// session cookie ("" when refused) and the callback's response.
func (p *provider) signIn(t *testing.T, email string, groups ...string) (string, response) {
	t.Helper()
	p.m.QueueUser(&mockoidc.MockUser{Subject: email, Email: email, EmailVerified: true, Groups: groups})
	res := p.s.request(t, "GET", "/login?next=%2Fincidents", "", nil)
	if res.status != http.StatusFound {
		t.Fatalf("GET /login: %d %s", res.status, res.body)
	}
	authURL, err := url.Parse(res.header.Get("Location"))
	if err != nil || !strings.HasPrefix(authURL.String(), p.m.AuthorizationEndpoint()) {
		t.Fatalf("sent to %q", res.header.Get("Location"))
	}
	if q := authURL.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
		t.Fatalf("no PKCE or nonce: %v", q)
	}
	flow := cookie(t, res, "warroom_oidc_flow")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	back, err := client.Get(authURL.String())
	if err != nil {
		t.Fatal(err)
	}
	back.Body.Close()
	cb, err := url.Parse(back.Header.Get("Location"))
	if err != nil || cb.Path != "/auth/callback" {
		t.Fatalf("provider answered %d %q", back.StatusCode, back.Header.Get("Location"))
	}
	res = p.s.request(t, "GET", cb.RequestURI(), "", map[string]string{"Cookie": "warroom_oidc_flow=" + flow})
	for _, sc := range res.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(sc)
		if err == nil && c.Name == "warroom_session" && c.Value != "" {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 3600 {
				t.Errorf("session cookie %+v", c)
			}
			return c.Value, res
		}
	}
	return "", res
}

func cookie(t *testing.T, res response, name string) string {
	t.Helper()
	for _, sc := range res.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(sc); err == nil && c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie in %v", name, res.header)
	return ""
}

func session(v string) map[string]string {
	return map[string]string{"Cookie": "warroom_session=" + v, "Content-Type": "application/json"}
}

func TestOIDCSignIn(t *testing.T) {
	p := newProvider(t)
	s := p.s
	if res := s.request(t, "GET", "/incidents", "", nil); res.status != 303 || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("unsigned page: %d %v", res.status, res.header)
	}
	if res := s.command(t, "declare sev2 Anonymous", "incidents", nil); res.status != 401 {
		t.Fatalf("unsigned command: %d", res.status)
	}

	sre, res := p.signIn(t, "ann@example.com", "sre", "staff")
	if sre == "" || res.status != 303 || res.header.Get("Location") != "/incidents" {
		t.Fatalf("sign-in: %d %v %s", res.status, res.header, res.body)
	}
	if res := s.request(t, "GET", "/incidents", "", session(sre)); res.status != 200 || !strings.Contains(res.body, "Log out") ||
		!strings.Contains(res.body, `data-user="ann@example.com"`) {
		t.Fatalf("signed-in page: %d", res.status)
	}
	// The console's user is the signed-in person, whatever the page says.
	if res := s.command(t, "declare sev2 Signed in", "incidents", session(sre)); res.status != 200 {
		t.Fatalf("responder declares: %d %s", res.status, res.body)
	}
	recs, _ := s.svc.Audit(context.Background(), bot.AuditFilter{})
	if len(recs) != 1 || recs[0].Actor != "ann@example.com" {
		t.Fatalf("audit %+v", recs)
	}

	viewer, _ := p.signIn(t, "vic@example.com", "staff")
	if res := s.command(t, "declare sev1 Viewer", "incidents", session(viewer)); res.status != 403 {
		t.Fatalf("viewer declares: %d %s", res.status, res.body)
	}
	if res := s.command(t, "list", "incidents", session(viewer)); res.status != 200 {
		t.Fatalf("viewer lists: %d %s", res.status, res.body)
	}

	// No mapped group: no session.
	if none, res := p.signIn(t, "eve@example.com", "marketing"); none != "" || res.status != 403 {
		t.Fatalf("unmapped: %q %d", none, res.status)
	}
	// A forged or altered session is no session.
	if res := s.request(t, "GET", "/incidents", "", session(strings.Replace(sre, "a", "b", 1)+"x")); res.status != 303 {
		t.Fatalf("forged session: %d", res.status)
	}
	// Sessions expire.
	p.clock.Advance(61 * time.Minute)
	if res := s.request(t, "GET", "/incidents", "", session(sre)); res.status != 303 {
		t.Fatalf("expired session: %d", res.status)
	}
	p.clock.Advance(-61 * time.Minute)
	// Logout clears it.
	res = s.request(t, "POST", "/logout", "", session(sre))
	if res.status != 200 || !strings.Contains(strings.Join(res.header.Values("Set-Cookie"), "\n"), "warroom_session=; Path=/; Max-Age=0") {
		t.Fatalf("logout: %d %v", res.status, res.header)
	}
	incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{})
	if len(incs) != 1 {
		t.Fatalf("incidents %d", len(incs))
	}
}

// A callback that did not start here, or with another state, signs no one in.
func TestOIDCCallbackChecks(t *testing.T) {
	p := newProvider(t)
	for name, h := range map[string]map[string]string{
		"no flow cookie": nil,
		"forged flow":    {"Cookie": "warroom_oidc_flow=eyJzIjoieCJ9.AAAA"},
	} {
		res := p.s.request(t, "GET", "/auth/callback?code=x&state=x", "", h)
		if res.status != 400 || len(res.header.Values("Set-Cookie")) > 1 {
			t.Errorf("%s: %d %v", name, res.status, res.header)
		}
	}
	res := p.s.request(t, "GET", "/login", "", nil)
	flow := cookie(t, res, "warroom_oidc_flow")
	res = p.s.request(t, "GET", "/auth/callback?code=x&state=wrong", "", map[string]string{"Cookie": "warroom_oidc_flow=" + flow})
	if res.status != 400 || strings.Contains(strings.Join(res.header.Values("Set-Cookie"), ""), "warroom_session=e") {
		t.Errorf("wrong state: %d %v", res.status, res.header)
	}
}

// A private incident through every console page, for a member (its
// commander), a viewer who is not in it, and an admin (sees private).
func TestOIDCPrivateVisibility(t *testing.T) {
	p := newProvider(t)
	s := p.s
	ann, _ := p.signIn(t, "ann@example.com", "sre")
	vic, _ := p.signIn(t, "vic@example.com", "sre")
	lee, _ := p.signIn(t, "lee@example.com", "leads")
	for _, text := range []string{"declare sev2 Public outage", "declare sev1 Secret merger --private"} {
		if res := s.command(t, text, "incidents", session(ann)); res.status != 200 {
			t.Fatalf("%s: %d %s", text, res.status, res.body)
		}
	}
	s.deliver(t)
	inc, err := s.svc.Get(context.Background(), 2)
	if err != nil || !inc.Private || inc.Commander() != "ann@example.com" {
		t.Fatalf("the private incident: %+v %v", inc, err)
	}
	ch := inc.Channels[console.Platform]
	pages := []string{"/", "/incidents?status=all", "/incidents/INC-2", "/channels/" + ch, "/console/poll?channel=" + ch}
	for _, who := range []struct {
		name, cookie string
		sees         bool
	}{{"member", ann, true}, {"non-member", vic, false}, {"admin", lee, true}} {
		for _, page := range pages {
			t.Run(who.name+" "+page, func(t *testing.T) {
				res := s.request(t, "GET", page, "", session(who.cookie))
				leaked := strings.Contains(res.body, "Secret merger")
				if page == "/" { // the announcements: the neutral title for all; the sidebar: the channel for its people
					if leaked || strings.Contains(res.body, "/channels/"+ch+`"`) != who.sees || !strings.Contains(res.body, "Private incident INC-2") {
						t.Fatalf("announcements or sidebar wrong for %s", who.name)
					}
					return
				}
				if leaked != who.sees {
					t.Fatalf("sees=%v leaked=%v: %d", who.sees, leaked, res.status)
				}
				if !who.sees && (page == "/incidents/INC-2" || strings.HasPrefix(page, "/channels/")) && res.status != 404 {
					t.Fatalf("by key: %d, want 404", res.status)
				}
			})
		}
		t.Run(who.name+" command", func(t *testing.T) {
			res := s.command(t, "INC-2", "incidents", session(who.cookie))
			if leaked := strings.Contains(res.body, "Secret merger"); leaked != who.sees {
				t.Fatalf("sees=%v: %d %s", who.sees, res.status, res.body)
			}
		})
	}
}
