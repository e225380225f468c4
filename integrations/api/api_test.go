package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/internal/httpx"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

const token = "test-token-0123456789"

type env struct {
	srv   *httptest.Server
	store *sqlite.Store
	svc   *bot.Service
}

// newEnv starts the API over a fresh SQLite database, behind the same
// middleware the server uses.
func newEnv(t *testing.T, tok string, rc ...commands.Config) *env {
	t.Helper()
	return newEnvWith(t, tok, nil, rc...)
}

// newEnvWith is newEnv with the Service's options.
func newEnvWith(t *testing.T, tok string, opts []testkit.Option, rc ...commands.Config) *env {
	t.Helper()
	kit := testkit.NewService(t, append([]testkit.Option{testkit.WithTargets("console")}, opts...)...)
	svc, store, log := kit.Svc, kit.Store, kit.Log
	var cfg commands.Config
	if len(rc) > 0 {
		cfg = rc[0]
	}
	router, err := commands.New(svc, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Config{Token: tok}, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	m, err := httpx.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpx.Chain(mux, m.Wrap, httpx.Recover(log), httpx.LimitBody))
	t.Cleanup(srv.Close)
	return &env{srv: srv, store: store, svc: svc}
}

type call struct {
	method, path, body string
	ctype              string // default application/json when there is a body
	auth               string // default "Bearer token"; "-" for none
}

func (e *env) do(t *testing.T, c call) (int, map[string]any, http.Header) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, e.srv.URL+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		ct := c.ctype
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	switch c.auth {
	case "":
		req.Header.Set("Authorization", "Bearer "+token)
	case "-":
	default:
		req.Header.Set("Authorization", c.auth)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: content type %q, body %s", c.method, c.path, ct, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %v in %s", c.method, c.path, err, raw)
	}
	return res.StatusCode, out, res.Header
}

func (e *env) command(t *testing.T, text string) map[string]any {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"text": text, "user": "alice"})
	status, out, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: string(b)})
	if status != 200 {
		t.Fatalf("%s: %d %v", text, status, out)
	}
	return out
}

// snapshot is what a refused request must leave as it was.
type snapshot struct {
	Incidents map[string]int64 // key → version
	Audit     int
	Timeline  int
	Outbox    int
}

func (e *env) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := context.Background()
	incs, err := e.store.Incidents(ctx, bot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{Incidents: map[string]int64{}}
	for _, inc := range incs {
		s.Incidents[inc.Key()] = inc.Version
		tl, err := e.store.Timeline(ctx, inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		s.Timeline += len(tl)
	}
	recs, err := e.store.Audit(ctx, bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s.Audit = len(recs)
	st, err := e.store.OutboxStats(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.Outbox = st.Pending
	return s
}

func TestHappyPath(t *testing.T) {
	e := newEnv(t, token)

	out := e.command(t, "/incident declare sev2 Checkout latency above SLO --service payments")
	inc := out["incident"].(map[string]any)
	if inc["key"] != "INC-1" || inc["status"] != "triggered" || inc["severity_name"] != "SEV2" || inc["service"] != "payments" {
		t.Fatalf("declare reply incident: %v", inc)
	}
	if !strings.Contains(out["text"].(string), "INC-1") || out["message"] == nil {
		t.Fatalf("declare reply: %v", out)
	}
	out = e.command(t, "ack INC-1")
	if out["incident"].(map[string]any)["status"] != "acknowledged" {
		t.Fatalf("ack reply: %v", out)
	}
	out = e.command(t, "/incident list")
	if out["ephemeral"] != true || !strings.Contains(out["text"].(string), "INC-1") {
		t.Fatalf("list reply: %v", out)
	}

	status, out, hdr := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Disk full on db-3","severity":"sev3",
		"service":"postgres","summary":"WAL volume at 100%","impact":"writes fail","commander":"@bob","started_at":"2020-01-02T03:04:05Z","user":"carol"}`})
	if status != 201 || out["key"] != "INC-2" || hdr.Get("Location") != "/api/v1/incidents/INC-2" {
		t.Fatalf("POST incidents: %d %v %v", status, out, hdr)
	}
	if out["roles"].(map[string]any)["commander"] != "bob" || out["started_at"] != "2020-01-02T03:04:05Z" || out["severity"] != 3.0 {
		t.Fatalf("POST incidents body: %v", out)
	}
	status, out, _ = e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Numbers work too","severity":1}`})
	if status != 201 || out["severity_name"] != "SEV1" {
		t.Fatalf("POST incidents numeric severity: %d %v", status, out)
	}

	keys := func(path string) []string {
		t.Helper()
		status, out, _ := e.do(t, call{method: "GET", path: path})
		if status != 200 {
			t.Fatalf("GET %s: %d %v", path, status, out)
		}
		var ks []string
		for _, i := range out["incidents"].([]any) {
			ks = append(ks, i.(map[string]any)["key"].(string))
		}
		return ks
	}
	e.command(t, "resolve INC-3 false alarm")
	for path, want := range map[string][]string{
		"/api/v1/incidents":                               {"INC-2", "INC-1"}, // open ones by default
		"/api/v1/incidents?status=all":                    {"INC-3", "INC-2", "INC-1"},
		"/api/v1/incidents?status=open":                   {"INC-2", "INC-1"},
		"/api/v1/incidents?status=resolved":               {"INC-3"},
		"/api/v1/incidents?status=triggered,acknowledged": {"INC-2", "INC-1"},
		"/api/v1/incidents?limit=1":                       {"INC-2"},
		"/api/v1/incidents?status=all&limit=1":            {"INC-3"},
	} {
		if diff := cmp.Diff(want, keys(path)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", path, diff)
		}
	}

	e.command(t, "action add INC-1 Add a latency alert @dave due:2030-01-01")
	status, out, _ = e.do(t, call{method: "GET", path: "/api/v1/incidents/inc-1"})
	if status != 200 || out["key"] != "INC-1" {
		t.Fatalf("GET INC-1: %d %v", status, out)
	}
	var kinds []string
	for _, en := range out["timeline"].([]any) {
		kinds = append(kinds, en.(map[string]any)["kind"].(string))
	}
	if diff := cmp.Diff([]string{"declared", "acknowledged", "action_added"}, kinds); diff != "" {
		t.Errorf("timeline kinds (-want +got):\n%s", diff)
	}
	items := out["action_items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["owner"] != "dave" {
		t.Errorf("action items: %v", items)
	}

	for _, path := range []string{"/api/v1/incidents/INC-1/audit", "/api/v1/audit?incident=INC-1"} {
		status, out, _ = e.do(t, call{method: "GET", path: path})
		if status != 200 {
			t.Fatalf("GET %s: %d %v", path, status, out)
		}
		var actions []string
		for _, r := range out["audit"].([]any) {
			actions = append(actions, r.(map[string]any)["action"].(string))
		}
		if len(actions) < 3 || actions[0] != "declare" {
			t.Errorf("GET %s: actions %v", path, actions)
		}
	}
	status, out, _ = e.do(t, call{method: "GET", path: "/api/v1/audit"})
	if status != 200 || len(out["audit"].([]any)) < 6 {
		t.Errorf("GET /api/v1/audit: %d %v", status, out)
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, token)
	e.command(t, "declare sev2 Checkout latency above SLO")
	e.command(t, "ack INC-1")

	big := `{"text":"/incident note INC-1 ` + strings.Repeat("x", 2<<20) + `"}`
	tests := []struct {
		name   string
		call   call
		status int
		errHas string
	}{
		{"missing token", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`, auth: "-"}, 401, "missing bearer token"},
		{"wrong token", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`, auth: "Bearer nope"}, 401, "wrong bearer token"},
		{"basic auth is not bearer", call{method: "GET", path: "/api/v1/incidents", auth: "Basic dGVzdDp0ZXN0"}, 401, "missing bearer token"},
		{"wrong token on read", call{method: "GET", path: "/api/v1/incidents", auth: "Bearer " + token + "x"}, 401, "wrong"},
		{"invalid JSON", call{method: "POST", path: "/api/v1/commands", body: `{"text": "ack INC-1"`}, 400, "invalid JSON"},
		{"unknown field", call{method: "POST", path: "/api/v1/commands", body: `{"txt": "ack INC-1"}`}, 400, `unknown field "txt"`},
		{"no text", call{method: "POST", path: "/api/v1/commands", body: `{}`}, 400, "text"},
		{"wrong content type", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`, ctype: "text/plain"}, 415, "application/json"},
		{"form content type", call{method: "POST", path: "/api/v1/incidents", body: `title=x`, ctype: "application/x-www-form-urlencoded"}, 415, "application/json"},
		{"2 MiB body", call{method: "POST", path: "/api/v1/commands", body: big}, 413, "1 MiB"},
		{"unknown incident", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-99"}`}, 404, "INC-99 does not exist"},
		{"unknown incident GET", call{method: "GET", path: "/api/v1/incidents/INC-99"}, 404, "INC-99"},
		{"unknown incident audit", call{method: "GET", path: "/api/v1/incidents/INC-99/audit"}, 404, "INC-99"},
		{"bad key", call{method: "GET", path: "/api/v1/incidents/pizza"}, 400, "not an incident key"},
		{"bad audit key", call{method: "GET", path: "/api/v1/audit?incident=pizza"}, 400, "not an incident key"},
		{"invalid transition", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`}, 409, "allowed"},
		{"bad command", call{method: "POST", path: "/api/v1/commands", body: `{"text":"/incident frobnicate INC-1"}`}, 400, "frobnicate"},
		{"unbalanced quotes", call{method: "POST", path: "/api/v1/commands", body: `{"text":"note INC-1 \"oops"}`}, 400, "quote"},
		{"sev 9", call{method: "POST", path: "/api/v1/commands", body: `{"text":"sev INC-1 9"}`}, 400, "severity"},
		{"not configured", call{method: "POST", path: "/api/v1/commands", body: `{"text":"/oncall"}`}, 501, "not configured"},
		{"bad status filter", call{method: "GET", path: "/api/v1/incidents?status=sleeping"}, 400, "sleeping"},
		{"bad limit", call{method: "GET", path: "/api/v1/incidents?limit=0"}, 400, "limit"},
		{"declare bad severity", call{method: "POST", path: "/api/v1/incidents", body: `{"title":"x","severity":"sev9"}`}, 400, "severity"},
		{"declare no title", call{method: "POST", path: "/api/v1/incidents", body: `{"title":"\u0000\u200b "}`}, 400, "title"},
		{"declare bad time", call{method: "POST", path: "/api/v1/incidents", body: `{"title":"x","started_at":"yesterday"}`}, 400, "RFC 3339"},
		{"declare wrong type", call{method: "POST", path: "/api/v1/incidents", body: `{"title":42}`}, 400, `"title"`},
		{"unknown route", call{method: "GET", path: "/api/v1/nothing"}, 404, "no such API route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot(t)
			status, out, _ := e.do(t, tt.call)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, out)
			}
			msg, _ := out["error"].(string)
			if !strings.Contains(msg, tt.errHas) {
				t.Fatalf("error %q does not mention %q", msg, tt.errHas)
			}
			if diff := cmp.Diff(before, e.snapshot(t)); diff != "" {
				t.Fatalf("the database changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestDisabledWithoutToken(t *testing.T) {
	e := newEnv(t, "")
	before := e.snapshot(t)
	for _, c := range []call{
		{method: "POST", path: "/api/v1/commands", body: `{"text":"declare sev2 x"}`, auth: "-"},
		{method: "POST", path: "/api/v1/commands", body: `{"text":"declare sev2 x"}`, auth: "Bearer "},
		{method: "GET", path: "/api/v1/incidents", auth: "Bearer anything"},
	} {
		status, out, hdr := e.do(t, c)
		if status != 401 || !strings.Contains(out["error"].(string), "WARROOM_API_TOKEN") || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: %d %v", c.method, c.path, status, out)
		}
	}
	if diff := cmp.Diff(before, e.snapshot(t)); diff != "" {
		t.Fatalf("the database changed:\n%s", diff)
	}
}

func TestNewChecksArguments(t *testing.T) {
	if _, err := api.New(api.Config{}, nil, nil, nil); err == nil {
		t.Fatal("New accepted a nil service")
	}
}

// The body limit holds even without the LimitBody middleware in front.
func TestDecodeCapsBodyItself(t *testing.T) {
	e := newEnv(t, token)
	mux := http.NewServeMux()
	log := slog.New(slog.DiscardHandler)
	router, _ := commands.New(e.svc, commands.Config{}, log)
	a, _ := api.New(api.Config{Token: token}, e.svc, router, log)
	a.Register(mux)
	body := bytes.NewReader([]byte(`{"text":"` + strings.Repeat("y", 2<<20) + `"}`))
	req := httptest.NewRequest("POST", "/api/v1/commands", body)
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}
