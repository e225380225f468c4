package api_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// bury writes one job and dead-letters it, as the worker does when its
// failure budget runs out, and returns its id.
func (e *env) bury(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	j, err := bot.NewJob("console", bot.EffectAnnounce, 0, bot.PostPayload{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
		t.Fatal(err)
	}
	jobs, err := e.store.Claim(ctx, "test", "console", now, time.Minute, 10)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim = %v, %v", jobs, err)
	}
	if err := e.store.Bury(ctx, jobs[0].ID, "test", "console refused it"); err != nil {
		t.Fatal(err)
	}
	return jobs[0].ID
}

func jobIDs(t *testing.T, body map[string]any) []int64 {
	t.Helper()
	list, ok := body["jobs"].([]any)
	if !ok {
		t.Fatalf("no jobs list in %v", body)
	}
	var ids []int64
	for _, j := range list {
		ids = append(ids, int64(j.(map[string]any)["id"].(float64)))
	}
	return ids
}

func TestOutboxDeadLetters(t *testing.T) {
	e := newEnv(t, token)
	id := e.bury(t)
	path := "/api/v1/outbox/dead/" + strconv.FormatInt(id, 10)

	code, body, _ := e.do(t, call{method: "GET", path: "/api/v1/outbox?dead=1"})
	if got := jobIDs(t, body); code != http.StatusOK || len(got) != 1 || got[0] != id {
		t.Fatalf("dead letters = %d %v, want job %d", code, body, id)
	}
	if msg := body["jobs"].([]any)[0].(map[string]any)["last_error"]; msg != "console refused it" {
		t.Errorf("last_error = %v", msg)
	}

	if code, body, _ := e.do(t, call{method: "POST", path: path + "/retry"}); code != http.StatusOK || body["replayed"] != 1.0 {
		t.Fatalf("retry = %d %v", code, body)
	}
	_, body, _ = e.do(t, call{method: "GET", path: "/api/v1/outbox"})
	if got := jobIDs(t, body); len(got) != 1 || got[0] != id {
		t.Fatalf("after retry the live jobs are %v, want job %d", got, id)
	}
	_, body, _ = e.do(t, call{method: "GET", path: "/api/v1/outbox?dead=1"})
	if got := jobIDs(t, body); len(got) != 0 {
		t.Fatalf("after retry the dead letters are %v, want none", got)
	}

	id2 := e.bury(t)
	path2 := "/api/v1/outbox/dead/" + strconv.FormatInt(id2, 10)
	if code, body, _ := e.do(t, call{method: "DELETE", path: path2}); code != http.StatusOK || body["dropped"] != 1.0 {
		t.Fatalf("drop = %d %v", code, body)
	}
	if code, body, _ := e.do(t, call{method: "DELETE", path: path2}); code != http.StatusNotFound {
		t.Fatalf("second drop = %d %v, want 404", code, body)
	}

	recs, err := e.svc.Audit(context.Background(), bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		if r.Actor == "api" {
			actions = append(actions, r.Action)
		}
	}
	if len(actions) != 2 || actions[0] != "outbox_replay" || actions[1] != "outbox_drop" {
		t.Errorf("audit of the API's outbox actions = %v", actions)
	}
}

func TestOutboxBadRequestsChangeNothing(t *testing.T) {
	e := newEnv(t, token)
	id := e.bury(t)
	for _, c := range []struct {
		call call
		want int
	}{
		{call{method: "GET", path: "/api/v1/outbox?dead=maybe"}, http.StatusBadRequest},
		{call{method: "GET", path: "/api/v1/outbox?limit=-1"}, http.StatusBadRequest},
		{call{method: "POST", path: "/api/v1/outbox/dead/abc/retry"}, http.StatusBadRequest},
		{call{method: "POST", path: "/api/v1/outbox/dead/999/retry"}, http.StatusNotFound},
		{call{method: "DELETE", path: "/api/v1/outbox/dead/0"}, http.StatusBadRequest},
		{call{method: "DELETE", path: "/api/v1/outbox/dead/" + strconv.FormatInt(id, 10), auth: "-"}, http.StatusUnauthorized},
		{call{method: "POST", path: "/api/v1/outbox/dead/retry", auth: "Bearer wrong"}, http.StatusUnauthorized},
	} {
		if code, body, _ := e.do(t, c.call); code != c.want {
			t.Errorf("%s %s = %d %v, want %d", c.call.method, c.call.path, code, body, c.want)
		}
	}
	_, body, _ := e.do(t, call{method: "GET", path: "/api/v1/outbox?dead=1"})
	if got := jobIDs(t, body); len(got) != 1 || got[0] != id {
		t.Fatalf("dead letters after refused requests = %v, want job %d untouched", got, id)
	}
}
