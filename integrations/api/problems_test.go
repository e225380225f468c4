package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

// problemState is what a refused problem request must leave as it was.
func (e *env) problemState(t *testing.T) []any {
	t.Helper()
	ctx := context.Background()
	pr := e.svc.Problems()
	ps, err := pr.List(ctx, bot.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	links, err := pr.Links(ctx, bot.ProblemLinkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := pr.Actions(ctx, bot.ProblemActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return []any{ps, links, acts, e.audit(t)}
}

// TestProblemsAPIStory: record, change, link and read a problem.
func TestProblemsAPIStory(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Disk full","severity":"sev2"}`}); st != 201 {
		t.Fatalf("seed: %d", st)
	}
	st, body, hdr := e.do(t, call{method: "POST", path: "/api/v1/problems", auth: sec["ci"],
		body: `{"title":"Disks fill up","root_cause":"no log rotation","owner":"@dave"}`})
	if st != 201 || body["key"] != "PRB-1" || body["status"] != "open" || body["owner"] != "dave" || hdr.Get("Location") != "/api/v1/problems/PRB-1" {
		t.Fatalf("create: %d %v %v", st, body, hdr)
	}
	st, body, _ = e.do(t, call{method: "PATCH", path: "/api/v1/problems/PRB-1", auth: sec["ci"],
		body: `{"status":"known-error","workaround":"delete old logs"}`})
	if st != 200 || body["status"] != "known-error" || body["workaround"] != "delete old logs" {
		t.Fatalf("patch: %d %v", st, body)
	}
	st, body, _ = e.do(t, call{method: "POST", path: "/api/v1/problems/PRB-1/link", auth: sec["ci"], body: `{"incident":"INC-1"}`})
	if incs, _ := body["incidents"].([]any); st != 200 || len(incs) != 1 || incs[0].(map[string]any)["key"] != "INC-1" {
		t.Fatalf("link: %d %v", st, body)
	}
	st, body, _ = e.do(t, call{method: "POST", path: "/api/v1/problems/PRB-1/actions", auth: sec["ci"],
		body: `{"title":"Turn on rotation","owner":"dave","due":"2026-12-01","kind":"preventive"}`})
	if st != 201 || body["seq"] != float64(1) || body["kind"] != "preventive" {
		t.Fatalf("action: %d %v", st, body)
	}
	st, body, _ = e.do(t, call{method: "GET", path: "/api/v1/problems/PRB-1", auth: sec["dash"]})
	if acts, _ := body["action_items"].([]any); st != 200 || len(acts) != 1 || body["root_cause"] != "no log rotation" {
		t.Fatalf("get: %d %v", st, body)
	}
	st, body, _ = e.do(t, call{method: "GET", path: "/api/v1/problems?status=known-error", auth: sec["dash"]})
	if ps, _ := body["problems"].([]any); st != 200 || len(ps) != 1 {
		t.Fatalf("list: %d %v", st, body)
	}
	st, body, _ = e.do(t, call{method: "POST", path: "/api/v1/problems/PRB-1/unlink", auth: sec["ci"], body: `{"incident":"INC-1"}`})
	if incs, _ := body["incidents"].([]any); st != 200 || len(incs) != 0 {
		t.Fatalf("unlink: %d %v", st, body)
	}
	// The audit names the token that made each change.
	var actors []string
	for _, a := range e.audit(t) {
		if strings.HasPrefix(a.Action, "problem.") {
			actors = append(actors, a.Actor+" "+a.Action)
		}
	}
	want := []string{"token:ci problem.create", "token:ci problem.update", "token:ci problem.link",
		"token:ci problem.action_add", "token:ci problem.unlink"}
	if diff := cmp.Diff(want, actors); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

// TestProblemsAPIAuth: viewers read and are refused every write (403),
// no token is 401, and a refused request changes nothing.
func TestProblemsAPIAuth(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Disk full","severity":"sev2"}`}); st != 201 {
		t.Fatalf("seed: %d", st)
	}
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/problems", body: `{"title":"Disks fill up"}`}); st != 201 {
		t.Fatalf("seed problem: %d", st)
	}
	writes := []call{
		{method: "POST", path: "/api/v1/problems", body: `{"title":"Another"}`},
		{method: "PATCH", path: "/api/v1/problems/PRB-1", body: `{"status":"resolved"}`},
		{method: "POST", path: "/api/v1/problems/PRB-1/link", body: `{"incident":"INC-1"}`},
		{method: "POST", path: "/api/v1/problems/PRB-1/unlink", body: `{"incident":"INC-1"}`},
		{method: "POST", path: "/api/v1/problems/PRB-1/actions", body: `{"title":"Fix"}`},
	}
	reads := []call{{method: "GET", path: "/api/v1/problems"}, {method: "GET", path: "/api/v1/problems/PRB-1"}}
	for _, c := range append(append([]call{}, reads...), writes...) {
		for _, who := range []struct {
			name, auth string
			want       int
		}{{"no token", "-", 401}, {"wrong token", "Bearer nope", 401}, {"revoked", sec["gone"], 401}, {"viewer", sec["dash"], 403}} {
			if who.name == "viewer" && c.method == "GET" {
				who.want = 200
			}
			c := c
			c.auth = who.auth
			before := e.problemState(t)
			if st, body, _ := e.do(t, c); st != who.want {
				t.Errorf("%s %s as %s: %d %v, want %d", c.method, c.path, who.name, st, body, who.want)
			}
			if diff := cmp.Diff(before, e.problemState(t)); diff != "" && who.want != 200 {
				t.Errorf("%s %s as %s changed the database:\n%s", c.method, c.path, who.name, diff)
			}
		}
	}
}

// TestProblemsAPIBadInput: a clear error, the right status, nothing changed.
func TestProblemsAPIBadInput(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Secret","private":true,"commander":"bob"}`}); st != 201 {
		t.Fatalf("seed: %d", st)
	}
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/problems", body: `{"title":"Disks fill up"}`}); st != 201 {
		t.Fatalf("seed problem: %d", st)
	}
	for _, c := range []struct {
		name string
		call call
		want int
		msg  string
	}{
		{"no title", call{method: "POST", path: "/api/v1/problems", body: `{}`}, 400, "a problem needs a title"},
		{"new and resolved", call{method: "POST", path: "/api/v1/problems", body: `{"title":"x","status":"resolved"}`}, 400, "a new problem is open"},
		{"unknown field", call{method: "POST", path: "/api/v1/problems", body: `{"title":"x","severity":2}`}, 400, "unknown field"},
		{"not json", call{method: "POST", path: "/api/v1/problems", body: `title=x`, ctype: "text/plain"}, 415, "must be JSON"},
		{"bad key", call{method: "GET", path: "/api/v1/problems/INC-1"}, 400, "not a problem key"},
		{"unknown problem", call{method: "GET", path: "/api/v1/problems/PRB-9"}, 404, "PRB-9 does not exist"},
		{"bad status", call{method: "PATCH", path: "/api/v1/problems/PRB-1", body: `{"status":"fixed"}`}, 400, "is not one of open, known-error"},
		{"empty patch", call{method: "PATCH", path: "/api/v1/problems/PRB-1", body: `{}`}, 400, "nothing to change"},
		{"same status", call{method: "PATCH", path: "/api/v1/problems/PRB-1", body: `{"status":"open"}`}, 409, "like that already"},
		{"bad list status", call{method: "GET", path: "/api/v1/problems?status=fixed"}, 400, "problem status"},
		{"link bad incident", call{method: "POST", path: "/api/v1/problems/PRB-1/link", body: `{"incident":"PRB-1"}`}, 400, "not an incident key"},
		{"link private unseen", call{method: "POST", path: "/api/v1/problems/PRB-1/link", auth: sec["ci"], body: `{"incident":"INC-1"}`}, 404, "INC-1 does not exist"},
		{"unlink not linked", call{method: "POST", path: "/api/v1/problems/PRB-1/unlink", body: `{"incident":"INC-1"}`}, 404, "is not linked"},
		{"action bad due", call{method: "POST", path: "/api/v1/problems/PRB-1/actions", body: `{"title":"x","due":"soon"}`}, 400, `"due" must be`},
		{"action bad kind", call{method: "POST", path: "/api/v1/problems/PRB-1/actions", body: `{"title":"x","kind":"urgent"}`}, 400, "action kind"},
		{"act for others without right", call{method: "POST", path: "/api/v1/problems", auth: sec["ci"], body: `{"title":"x","user":"eve"}`}, 403, "may not act for others"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := e.problemState(t)
			st, body, _ := e.do(t, c.call)
			if msg, _ := body["error"].(string); st != c.want || !strings.Contains(msg, c.msg) {
				t.Errorf("%d %v, want %d with %q", st, body, c.want, c.msg)
			}
			if diff := cmp.Diff(before, e.problemState(t)); diff != "" {
				t.Errorf("the database changed:\n%s", diff)
			}
		})
	}
}
