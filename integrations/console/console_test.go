package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

type response struct {
	status int
	header http.Header
	body   string
}

func (s *stack) request(t *testing.T, method, target, body string, header map[string]string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	req.RemoteAddr = "127.0.0.1:5555"
	req.Host = "127.0.0.1:8080"
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func (s *stack) command(t *testing.T, text, channel string, header map[string]string) response {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"text": text, "user": "alice", "channel": channel})
	if header == nil {
		header = jsonHeader
	}
	return s.request(t, "POST", "/console/command", string(b), header)
}

func mustCommand(t *testing.T, s *stack, text, channel string) map[string]any {
	t.Helper()
	res := s.command(t, text, channel, nil)
	if res.status != 200 {
		t.Fatalf("%s: %d %s", text, res.status, res.body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(res.body), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func messages(t *testing.T, s *stack, channel string) []bot.PostedMessage {
	t.Helper()
	ms, err := s.store.Messages(context.Background(), console.Platform, channel, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestLoopbackChat(t *testing.T) {
	s := newStack(t, console.Config{})
	res := s.request(t, "GET", "/", "", nil)
	if res.status != 200 || !strings.Contains(res.body, `data-channel="incidents"`) {
		t.Fatalf("GET /: %d", res.status)
	}
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}

	out := mustCommand(t, s, "/incident declare sev2 Checkout latency above SLO --service payments", "incidents")
	if !strings.Contains(out["html"].(string), "Declared INC-1") || out["ephemeral"] != false {
		t.Fatalf("declare reply: %v", out)
	}
	s.deliver(t)

	ch := "inc-1-checkout-latency-above-slo"
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil || inc.Channels[console.Platform] != ch {
		t.Fatalf("channel not linked: %v %v", inc, err)
	}
	for _, c := range []string{"incidents", ch} {
		ms := messages(t, s, c)
		if len(ms) != 1 || !strings.HasPrefix(ms[0].Ref, "card:") && !strings.HasPrefix(ms[0].Ref, "announce:") {
			t.Fatalf("%s: %+v", c, ms)
		}
	}

	res = s.request(t, "GET", "/console/poll?channel=incidents", "", nil)
	var poll struct {
		V        string `json:"v"`
		Sidebar  string `json:"sidebar"`
		Messages []struct{ ID, V, HTML string }
	}
	if err := json.Unmarshal([]byte(res.body), &poll); err != nil || res.status != 200 {
		t.Fatalf("poll: %d %s", res.status, res.body)
	}
	if len(poll.Messages) != 1 || !strings.Contains(poll.Messages[0].HTML, "Acknowledge") || !strings.Contains(poll.Sidebar, ch) {
		t.Fatalf("poll: %+v", poll)
	}
	if res := s.request(t, "GET", "/console/poll?channel=incidents&v="+poll.V, "", nil); res.status != 204 {
		t.Fatalf("poll with current version: %d", res.status)
	}

	// Pages without a channel poll for the sidebar, their channel highlighted.
	res = s.request(t, "GET", "/console/poll?active="+ch, "", nil)
	if res.status != 200 || !strings.Contains(res.body, `class=\"channel active status-triggered\"`) {
		t.Fatalf("poll for the sidebar: %d %s", res.status, res.body)
	}

	// A command typed in the incident's channel acts on its incident.
	out = mustCommand(t, s, "ack", ch)
	if !strings.Contains(out["html"].(string), "INC-1 acknowledged") {
		t.Fatalf("ack reply: %v", out)
	}
	out = mustCommand(t, s, "timeline", ch)
	if out["ephemeral"] != true || !strings.Contains(out["html"].(string), "Only visible to you") {
		t.Fatalf("timeline reply: %v", out)
	}
	s.deliver(t)
	res = s.request(t, "GET", "/console/poll?channel=incidents&v="+poll.V, "", nil)
	if res.status != 200 || !strings.Contains(res.body, "acknowledged") || strings.Contains(res.body, "Acknowledge\\u003c") {
		t.Fatalf("poll after ack: %d %s", res.status, res.body)
	}

	for path, want := range map[string]string{
		"/channels/" + ch:       "Checkout latency above SLO",
		"/incidents":            "INC-1",
		"/incidents/INC-1":      "Acknowledged",
		"/incidents?status=all": "payments",
	} {
		res := s.request(t, "GET", path, "", nil)
		if res.status != 200 || !strings.Contains(res.body, want) {
			t.Errorf("GET %s: %d, want %q in body", path, res.status, want)
		}
	}
	for path, want := range map[string]int{
		"/channels/nope":   404,
		"/incidents/INC-9": 404,
		"/incidents/pizza": 400,
	} {
		if res := s.request(t, "GET", path, "", nil); res.status != want {
			t.Errorf("GET %s: %d, want %d", path, res.status, want)
		}
	}
	if res := s.request(t, "GET", "/console/static/console.js", "", nil); res.status != 200 || !strings.Contains(res.body, "/console/command") {
		t.Errorf("console.js: %d", res.status)
	}
}

func TestCommandErrors(t *testing.T) {
	s := newStack(t, console.Config{})
	tests := []struct {
		name, text, channel string
		status              int
		errHas              string
	}{
		{"unknown incident", "ack INC-7", "incidents", 404, "INC-7"},
		{"no incident in channel", "ack", "incidents", 400, "which incident"},
		{"bad command", "frobnicate", "incidents", 400, "frobnicate"},
		{"empty", "  ", "incidents", 400, "type a command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.command(t, tt.text, tt.channel, nil)
			if res.status != tt.status || !strings.Contains(res.body, tt.errHas) {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
	if res := s.request(t, "POST", "/console/command", "text=ack", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); res.status != 415 {
		t.Fatalf("form-encoded command: %d", res.status)
	}
}

func TestDeclareFormReply(t *testing.T) {
	s := newStack(t, console.Config{})
	out := mustCommand(t, s, "/incident declare", "incidents")
	if out["form"] != "declare" || !strings.Contains(out["html"].(string), `data-form="declare"`) {
		t.Fatalf("declare without arguments: %v", out)
	}
}

func TestEscaping(t *testing.T) {
	s := newStack(t, console.Config{})
	mustCommand(t, s, `declare sev1 <script>alert(1)</script> <!channel> & "quotes"`, "incidents")
	s.deliver(t)
	for _, path := range []string{"/", "/incidents", "/incidents/INC-1", "/console/poll?channel=incidents"} {
		res := s.request(t, "GET", path, "", nil)
		if strings.Contains(res.body, "<script>alert") || strings.Contains(res.body, "<!channel>") {
			t.Errorf("GET %s leaks markup", path)
		}
	}
	res := s.request(t, "GET", "/incidents/INC-1", "", nil)
	if !strings.Contains(res.body, "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;") {
		t.Errorf("title not shown literally")
	}
}

func TestPublicNeedsLogin(t *testing.T) {
	const token = "console-token-42"
	s := newStack(t, console.Config{Public: true, Token: token})

	res := s.request(t, "GET", "/incidents/INC-1?x=1", "", nil)
	if res.status != 303 || res.header.Get("Location") != "/login?next="+url.QueryEscape("/incidents/INC-1?x=1") {
		t.Fatalf("GET page without login: %d %v", res.status, res.header)
	}
	if res := s.request(t, "GET", "/console/poll?channel=incidents", "", nil); res.status != 401 {
		t.Fatalf("poll without login: %d", res.status)
	}
	if res := s.command(t, "declare sev2 x", "incidents", nil); res.status != 401 {
		t.Fatalf("command without login: %d", res.status)
	}
	if res := s.request(t, "GET", "/login?next=/incidents", "", nil); res.status != 200 || !strings.Contains(res.body, `name="token"`) {
		t.Fatalf("login form: %d", res.status)
	}
	if res := s.request(t, "GET", "/console/static/console.css", "", nil); res.status != 200 {
		t.Fatalf("assets need no login: %d", res.status)
	}

	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	res = s.request(t, "POST", "/login", "token=wrong&next=%2Fincidents", form)
	if res.status != 401 || len(res.header.Values("Set-Cookie")) != 0 || !strings.Contains(res.body, "not the API token") {
		t.Fatalf("wrong token: %d %v", res.status, res.header)
	}

	res = s.request(t, "POST", "/login", "token="+token+"&next=%2F%2Fevil.example", form)
	if res.status != 303 || res.header.Get("Location") != "/" {
		t.Fatalf("open redirect: %d %v", res.status, res.header)
	}
	res = s.request(t, "POST", "/login", "token="+token+"&next=%2Fincidents", form)
	if res.status != 303 || res.header.Get("Location") != "/incidents" {
		t.Fatalf("right token: %d %v", res.status, res.header)
	}
	cookies, err := http.ParseSetCookie(res.header.Get("Set-Cookie"))
	if err != nil {
		t.Fatal(err)
	}
	if !cookies.HttpOnly || cookies.SameSite != http.SameSiteStrictMode || strings.Contains(cookies.Value, token) || cookies.Value == "" {
		t.Fatalf("cookie %+v", cookies)
	}
	withCookie := func(h map[string]string) map[string]string {
		out := map[string]string{"Cookie": cookies.Name + "=" + cookies.Value}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	if res := s.request(t, "GET", "/", "", withCookie(nil)); res.status != 200 || !strings.Contains(res.body, "Log out") {
		t.Fatalf("GET / logged in: %d", res.status)
	}
	if res := s.command(t, "declare sev2 Logged in", "incidents", withCookie(jsonHeader)); res.status != 200 {
		t.Fatalf("command logged in: %d %s", res.status, res.body)
	}
	forged := map[string]string{"Cookie": cookies.Name + "=" + strings.Repeat("0", len(cookies.Value))}
	if res := s.request(t, "GET", "/", "", forged); res.status != 303 {
		t.Fatalf("forged cookie: %d", res.status)
	}
	res = s.request(t, "POST", "/logout", "", withCookie(nil))
	if res.status != 303 || !strings.Contains(res.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d %v", res.status, res.header)
	}
}

func TestPublicWithoutTokenRefuses(t *testing.T) {
	s := newStack(t, console.Config{Public: true})
	for _, path := range []string{"/", "/incidents", "/login"} {
		res := s.request(t, "GET", path, "", nil)
		if res.status != 403 || !strings.Contains(res.body, "WARROOM_API_TOKEN") {
			t.Errorf("GET %s: %d", path, res.status)
		}
	}
	res := s.command(t, "declare sev2 x", "incidents", nil)
	if res.status != 403 || !strings.Contains(res.body, "WARROOM_API_TOKEN") {
		t.Errorf("command: %d %s", res.status, res.body)
	}
	if incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{}); len(incs) != 0 {
		t.Errorf("declared anyway")
	}
}

func TestCrossOriginRefused(t *testing.T) {
	s := newStack(t, console.Config{})
	for name, h := range map[string]map[string]string{
		"sec-fetch-site": {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
		"origin":         {"Content-Type": "application/json", "Origin": "http://evil.example"},
	} {
		t.Run(name, func(t *testing.T) {
			res := s.command(t, "declare sev2 Forged", "incidents", h)
			if res.status != 403 || !strings.Contains(res.body, "cross-origin") {
				t.Fatalf("%d %s", res.status, res.body)
			}
		})
	}
	res := s.command(t, "declare sev2 Same origin", "incidents",
		map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"})
	if res.status != 200 {
		t.Fatalf("same-origin: %d %s", res.status, res.body)
	}
	incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{})
	if len(incs) != 1 || incs[0].Title != "Same origin" {
		t.Fatalf("incidents %v", incs)
	}
}

// Each handler run twice leaves one message; a card is edited in place.
func TestHandlersIdempotent(t *testing.T) {
	s := newStack(t, console.Config{})
	ctx := context.Background()
	handlers := s.console.Handlers()
	runTwice := func() {
		t.Helper()
		// Jobs of one incident are claimed one at a time, in order.
		for range 20 {
			jobs, err := s.store.Claim(ctx, "test", "", time.Now().Add(time.Hour), time.Minute, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) == 0 {
				return
			}
			for _, j := range jobs {
				for range 2 {
					if err := handlers[j.Kind](ctx, j); err != nil {
						t.Fatalf("%s: %v", j.Kind, err)
					}
				}
				if err := s.store.Complete(ctx, j.ID, "test"); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Fatal("jobs never ran out")
	}
	mustCommand(t, s, "declare sev2 Checkout latency above SLO", "incidents")
	runTwice()
	ch := "inc-1-checkout-latency-above-slo"
	card := messages(t, s, ch)
	announce := messages(t, s, "incidents")
	if len(card) != 1 || len(announce) != 1 || card[0].Ref != "card:INC-1" || announce[0].Ref != "announce:INC-1" {
		t.Fatalf("after open: %+v %+v", card, announce)
	}

	mustCommand(t, s, "ack INC-1", "incidents")
	mustCommand(t, s, "update INC-1 Failover to the standby is done", "incidents")
	mustCommand(t, s, "note INC-1 only the timeline", "incidents")
	runTwice()
	got := messages(t, s, ch)
	if len(got) != 2 {
		t.Fatalf("incident channel: %+v", got)
	}
	if got[0].ID != card[0].ID || !got[0].UpdatedAt.After(got[0].CreatedAt) || !strings.Contains(string(got[0].Body), "acknowledged") {
		t.Fatalf("card not edited in place: before %+v after %+v", card[0], got[0])
	}
	if !strings.HasPrefix(got[1].Ref, "job:") || !strings.Contains(string(got[1].Body), "Failover to the standby") {
		t.Fatalf("update post: %+v", got[1])
	}
	ann := messages(t, s, "incidents")
	if len(ann) != 2 || ann[0].ID != announce[0].ID || !strings.HasSuffix(ann[1].Ref, ":announce") {
		t.Fatalf("announcement channel: %+v", ann)
	}

	// A job for an incident that does not exist is dropped, not retried.
	err := handlers["console.card"](ctx, bot.Job{ID: 999, Kind: "console.card", Incident: 42})
	if err == nil || !strings.Contains(err.Error(), "INC-42") {
		t.Fatalf("missing incident: %v", err)
	}
}

func TestAnnouncementsOff(t *testing.T) {
	s := newStack(t, console.Config{Announce: console.NoAnnounce})
	mustCommand(t, s, "declare sev3 Quiet one", "")
	s.deliver(t)
	if len(messages(t, s, "incidents")) != 0 || len(messages(t, s, "inc-1-quiet-one")) != 1 {
		t.Fatal("announcement posted while off")
	}
	if res := s.request(t, "GET", "/", "", nil); res.status != 200 || !strings.Contains(res.body, "Announcements are turned off") {
		t.Fatalf("GET /: %d", res.status)
	}
}
