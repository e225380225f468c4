package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// TestDeclareFollowsPermissions: POST /api/v1/incidents obeys
// access.declare as the chat commands do: a severity the caller may not
// declare is 403 and declares nothing.
func TestDeclareFollowsPermissions(t *testing.T) {
	e := newEnv(t, token, commands.Config{Permissions: commands.Permissions{
		Declare: map[bot.Severity][]string{bot.SEV1: {"lead"}},
	}})
	if code, body, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Everything down","severity":"sev1"}`}); code != http.StatusForbidden {
		t.Fatalf("declare sev1 = %d %v, want 403", code, body)
	}
	incs, err := e.svc.List(context.Background(), bot.IncidentFilter{})
	if err != nil || len(incs) != 0 {
		t.Fatalf("a refused declare left %d incidents (%v)", len(incs), err)
	}
	if code, body, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Disk full","severity":"sev2"}`}); code != http.StatusCreated {
		t.Fatalf("declare sev2 = %d %v, want 201", code, body)
	}
}
