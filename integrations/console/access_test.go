package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

// consoleRoutes is every console route with a request that would change or
// show something.
var consoleRoutes = []struct {
	method, path, body, ctype string
}{
	{"GET", "/", "", ""},
	{"GET", "/channels/incidents", "", ""},
	{"GET", "/incidents", "", ""},
	{"GET", "/incidents/INC-1", "", ""},
	{"GET", "/console/poll?channel=incidents", "", ""},
	{"POST", "/console/command", `{"text":"declare sev1 Rebound","user":"mallory","channel":"incidents"}`, "application/json"},
	{"GET", "/console/static/console.css", "", ""},
	{"GET", "/login", "", ""},
	{"POST", "/login", "token=x", "application/x-www-form-urlencoded"},
	{"POST", "/logout", "", ""},
}

// A loopback console refuses every route for a Host that is not its own,
// even with a matching Origin (DNS rebinding), and nothing changes.
func TestForeignHostRefused(t *testing.T) {
	s := newStack(t, console.Config{Hosts: []string{"warroom.example.org:443"}})
	for _, host := range []string{"evil.example:8080", "evil.example", "127.0.0.1.evil.example", "10.0.0.8:8080", "localhost.evil.example", ""} {
		for _, rt := range consoleRoutes {
			t.Run(host+" "+rt.method+" "+rt.path, func(t *testing.T) {
				h := map[string]string{"Host": host, "Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"}
				if rt.ctype != "" {
					h["Content-Type"] = rt.ctype
				}
				res := s.request(t, rt.method, rt.path, rt.body, h)
				if res.status != 421 || len(res.header.Values("Set-Cookie")) != 0 {
					t.Fatalf("%d %s", res.status, res.body)
				}
			})
		}
	}
	s.deliver(t)
	if incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{}); len(incs) != 0 {
		t.Errorf("declared through a foreign host: %v", incs)
	}
	if ms := messages(t, s, "incidents"); len(ms) != 0 {
		t.Errorf("messages posted: %v", ms)
	}
}

// Loopback names and addresses and the public URL's host are served.
func TestOwnHostsServed(t *testing.T) {
	s := newStack(t, console.Config{Hosts: []string{"warroom.example.org:443"}})
	for _, host := range []string{"127.0.0.1:8080", "127.0.0.1", "127.9.9.9:80", "localhost:8080", "LOCALHOST", "app.localhost:8080", "[::1]:8080", "warroom.example.org", "Warroom.Example.Org:8443"} {
		t.Run(host, func(t *testing.T) {
			if res := s.request(t, "GET", "/", "", map[string]string{"Host": host}); res.status != 200 {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
}

// A public console's login form refuses a client after five wrong tokens,
// even the right one, until time has passed; other clients are unaffected.
func TestLoginAttemptsLimited(t *testing.T) {
	const token = "console-token-42"
	clock := testkit.NewClock(testkit.Start)
	s := newStack(t, console.Config{Public: true, Token: token, Now: clock.Now})
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for i := range 5 {
		if res := s.request(t, "POST", "/login", "token=wrong", form); res.status != 401 {
			t.Fatalf("attempt %d: %d", i+1, res.status)
		}
	}
	res := s.request(t, "POST", "/login", "token="+token, form)
	if res.status != 429 || res.header.Get("Retry-After") == "" || len(res.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("sixth attempt: %d %v", res.status, res.header)
	}
	if !strings.Contains(res.body, "Too many attempts") {
		t.Fatalf("body %s", res.body)
	}
	other := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "10.9.9.9"}
	if res := s.request(t, "POST", "/login", "token="+token, other); res.status != 429 {
		t.Fatalf("a forwarded-for header escaped the limit: %d", res.status)
	}
	clock.Advance(13 * time.Second)
	if res := s.request(t, "POST", "/login", "token="+token, form); res.status != 303 {
		t.Fatalf("after the wait: %d %s", res.status, res.body)
	}
}

// A private incident is announced under its neutral title; its updates
// stay in its own channel.
func TestPrivateAnnouncedNeutrally(t *testing.T) {
	s := newStack(t, console.Config{})
	mustCommand(t, s, "declare sev2 Secret merger --private --summary the-memo", "incidents")
	s.deliver(t)
	mustCommand(t, s, "update INC-1 Lawyers are in", "")
	s.deliver(t)
	var text string
	for _, m := range messages(t, s, "incidents") {
		text += string(m.Body) + "\n"
	}
	if !strings.Contains(text, "Private incident INC-1") || strings.Contains(text, "Secret") || strings.Contains(text, "the-memo") || strings.Contains(text, "Lawyers") {
		t.Fatalf("announcements:\n%s", text)
	}
}

// Without sign-in the console acts as its one configured operator: the
// name a request carries is ignored, the audit names the operator, and the
// page shows who that is, with no box to type another name into.
func TestLocalOperatorActs(t *testing.T) {
	for _, cfg := range []struct {
		local, want string
	}{{"", console.DefaultLocalUser}, {"@ops-lead", "ops-lead"}} {
		s := newStack(t, console.Config{LocalUser: cfg.local})
		res := s.request(t, "POST", "/console/command", `{"text":"declare sev2 Checkout slow","user":"mallory","channel":"incidents"}`, jsonHeader)
		if res.status != 200 {
			t.Fatalf("declare: %d %s", res.status, res.body)
		}
		recs, err := s.svc.Audit(context.Background(), bot.AuditFilter{})
		if err != nil || len(recs) != 1 || recs[0].Actor != cfg.want {
			t.Fatalf("audit %+v %v, want actor %s", recs, err, cfg.want)
		}
		page := s.request(t, "GET", "/incidents", "", nil)
		if page.status != 200 || !strings.Contains(page.body, `data-user="`+cfg.want+`"`) || strings.Contains(page.body, "<input id=\"user-name\"") {
			t.Fatalf("page: %d, want %s shown and no name box", page.status, cfg.want)
		}
	}
}
