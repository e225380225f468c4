package api_test

import (
	"context"
	"testing"

	"github.com/warroom/warroom/bot"
)

// tokens creates named tokens and returns their secrets by name.
func tokens(t *testing.T, e *env) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tk := range []struct {
		name   string
		role   bot.TokenRole
		actFor bool
	}{
		{"dash", bot.RoleViewer, false},
		{"ci", bot.RoleResponder, false},
		{"bridge", bot.RoleResponder, true},
		{"ops", bot.RoleAdmin, false},
		{"gone", bot.RoleAdmin, true},
	} {
		secret, err := e.svc.CreateToken(context.Background(), "admin", tk.name, tk.role, tk.actFor)
		if err != nil {
			t.Fatal(err)
		}
		out[tk.name] = "Bearer " + secret
	}
	if err := e.svc.RevokeToken(context.Background(), "admin", "gone"); err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) audit(t *testing.T) []bot.AuditRecord {
	t.Helper()
	recs, err := e.svc.Audit(context.Background(), bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// What each role may do, and that a refused request changes nothing.
func TestTokenRoles(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	if st, _, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Seed","severity":"sev2"}`}); st != 201 {
		t.Fatalf("seed: %d", st)
	}
	for _, c := range []struct {
		name, tok string
		call      call
		want      int
	}{
		{"viewer lists", "dash", call{method: "GET", path: "/api/v1/incidents"}, 200},
		{"viewer reads one", "dash", call{method: "GET", path: "/api/v1/incidents/INC-1"}, 200},
		{"viewer reads the audit", "dash", call{method: "GET", path: "/api/v1/audit"}, 200},
		{"viewer runs a read command", "dash", call{method: "POST", path: "/api/v1/commands", body: `{"text":"list"}`}, 200},
		{"viewer shows", "dash", call{method: "POST", path: "/api/v1/commands", body: `{"text":"INC-1"}`}, 200},
		{"viewer declares", "dash", call{method: "POST", path: "/api/v1/incidents", body: `{"title":"No","severity":"sev1"}`}, 403},
		{"viewer declares by command", "dash", call{method: "POST", path: "/api/v1/commands", body: `{"text":"declare sev1 No"}`}, 403},
		{"viewer acks", "dash", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`}, 403},
		{"viewer retries dead letters", "dash", call{method: "POST", path: "/api/v1/outbox/dead/retry"}, 403},
		{"responder retries dead letters", "ci", call{method: "POST", path: "/api/v1/outbox/dead/retry"}, 403},
		{"responder drops a dead letter", "ci", call{method: "DELETE", path: "/api/v1/outbox/dead/1"}, 403},
		{"responder acts for alice", "ci", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1","user":"alice"}`}, 403},
		{"responder declares for alice", "ci", call{method: "POST", path: "/api/v1/incidents", body: `{"title":"No","user":"alice"}`}, 403},
		{"bridge names a token", "bridge", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1","user":"token:ops"}`}, 403},
		{"revoked admin", "gone", call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1"}`}, 401},
		{"revoked admin reads", "gone", call{method: "GET", path: "/api/v1/incidents"}, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.call.auth = sec[c.tok]
			if st, body, _ := e.do(t, c.call); st != c.want {
				t.Fatalf("%d, want %d: %v", st, c.want, body)
			}
		})
	}
	incs, _ := e.svc.List(context.Background(), bot.IncidentFilter{})
	if len(incs) != 1 || incs[0].Status != bot.StatusTriggered {
		t.Fatalf("refused requests changed incidents: %+v", incs)
	}
	for _, rec := range e.audit(t) {
		if rec.Action != "declare" && rec.Action != "token.create" && rec.Action != "token.revoke" {
			t.Errorf("refused requests wrote audit %+v", rec)
		}
	}
}

// The audit names the token; a token allowed to act for others leaves both
// names; the bootstrap token stays an admin.
func TestTokenAudit(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	if st, body, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: `{"text":"declare sev2 By CI"}`, auth: sec["ci"]}); st != 200 {
		t.Fatalf("ci declares: %d %v", st, body)
	}
	if st, body, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: `{"text":"ack INC-1","user":"alice"}`, auth: sec["bridge"]}); st != 200 {
		t.Fatalf("bridge acts for alice: %d %v", st, body)
	}
	if st, body, _ := e.do(t, call{method: "POST", path: "/api/v1/outbox/dead/retry", auth: sec["ops"]}); st != 200 {
		t.Fatalf("admin retries: %d %v", st, body)
	}
	if st, body, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: `{"text":"note INC-1 hi","user":"bob"}`}); st != 200 {
		t.Fatalf("bootstrap acts for bob: %d %v", st, body)
	}
	got := map[string]string{}
	var actFor []map[string]any
	for _, rec := range e.audit(t) {
		if rec.Action == "api.act_for" {
			actFor = append(actFor, map[string]any{"actor": rec.Actor, "user": rec.After["user"]})
			continue
		}
		got[rec.Action] = rec.Actor
	}
	if got["declare"] != "token:ci" || got["status"] != "alice" {
		t.Errorf("audit actors %v", got)
	}
	if len(actFor) != 2 || actFor[0]["actor"] != "api" && actFor[1]["actor"] != "api" {
		t.Errorf("act-for records %v", actFor)
	}
	found := false
	for _, a := range actFor {
		if a["actor"] == "token:bridge" && a["user"] == "alice" {
			found = true
		}
	}
	if !found {
		t.Errorf("no record of token:bridge acting for alice: %v", actFor)
	}
}
