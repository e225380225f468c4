package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// A private incident through every API read, per token.
func TestPrivateThroughTheAPI(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	for _, body := range []string{`{"title":"Public outage"}`, `{"title":"Secret merger","private":true,"summary":"the memo"}`} {
		if st, out, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: body}); st != 201 {
			t.Fatalf("declare: %d %v", st, out)
		}
	}
	reads := []call{
		{method: "GET", path: "/api/v1/incidents?status=all"},
		{method: "GET", path: "/api/v1/incidents/INC-2"},
		{method: "GET", path: "/api/v1/incidents/INC-2/audit"},
		{method: "GET", path: "/api/v1/audit"},
		{method: "GET", path: "/api/v1/audit?incident=INC-2"},
		{method: "POST", path: "/api/v1/commands", body: `{"text":"list --all"}`},
		{method: "POST", path: "/api/v1/commands", body: `{"text":"INC-2"}`},
	}
	for _, who := range []struct {
		name, auth string
		sees       bool
	}{{"bootstrap", "Bearer " + token, true}, {"admin", sec["ops"], true}, {"viewer", sec["dash"], false}, {"responder", sec["ci"], false}} {
		for _, c := range reads {
			t.Run(who.name+" "+c.method+" "+c.path+" "+c.body, func(t *testing.T) {
				c.auth = who.auth
				st, out, _ := e.do(t, c)
				text := fmt.Sprint(out)
				leaked := strings.Contains(text, "Secret merger") || strings.Contains(text, "the memo")
				if who.sees != leaked {
					t.Fatalf("sees=%v leaked=%v: %d %s", who.sees, leaked, st, text)
				}
				byKey := strings.Contains(c.path, "INC-2") || strings.Contains(c.body, "INC-2")
				if !who.sees && byKey && st != 404 {
					t.Fatalf("by key: %d, want 404", st)
				}
				if !byKey && st != 200 {
					t.Fatalf("%d %s", st, text)
				}
				isList := strings.Contains(c.path, "/incidents?") || strings.Contains(c.body, "list")
				if isList && !strings.Contains(text, "Public outage") {
					t.Fatalf("the public incident is missing: %s", text)
				}
			})
		}
	}
}
