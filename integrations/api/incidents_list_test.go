package api_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// page GETs path and returns the keys, the total and the next cursor.
func (e *env) page(t *testing.T, path string) (keys []string, total int, next string) {
	t.Helper()
	status, out, _ := e.do(t, call{method: "GET", path: path})
	if status != 200 {
		t.Fatalf("GET %s: %d %v", path, status, out)
	}
	for _, i := range out["incidents"].([]any) {
		keys = append(keys, i.(map[string]any)["key"].(string))
	}
	next, _ = out["next_cursor"].(string)
	return keys, int(out["total"].(float64)), next
}

func (e *env) declare(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		if _, err := e.svc.Declare(context.Background(), bot.DeclareInput{Title: fmt.Sprintf("Incident %d", i), Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestListPagesPastTheLimit: 1,050 incidents read in pages of 1,000 by
// cursor and by offset; the total counts them all; a cursor is not moved
// by incidents declared after it was given.
func TestListPagesPastTheLimit(t *testing.T) {
	e := newEnv(t, token)
	e.declare(t, 1050)

	keys, total, next := e.page(t, "/api/v1/incidents?limit=1000")
	if len(keys) != 1000 || keys[0] != "INC-1050" || keys[999] != "INC-51" || total != 1050 || next == "" {
		t.Fatalf("first page: %d keys %s..%s, total %d, next %q", len(keys), keys[0], keys[len(keys)-1], total, next)
	}
	e.declare(t, 3) // INC-1051..1053 arrive between the pages
	keys, total, after := e.page(t, "/api/v1/incidents?limit=1000&cursor="+url.QueryEscape(next))
	if len(keys) != 50 || keys[0] != "INC-50" || keys[49] != "INC-1" || total != 1053 || after != "" {
		t.Errorf("cursor page: %d keys %v, total %d, next %q", len(keys), keys[:min(3, len(keys))], total, after)
	}
	keys, _, after = e.page(t, "/api/v1/incidents?limit=1000&offset=1000")
	if len(keys) != 53 || keys[0] != "INC-53" || after != "" {
		t.Errorf("offset page: %d keys from %v, next %q", len(keys), keys[:min(1, len(keys))], after)
	}
}

// TestListCursorWalk: walking every page with a small limit, while
// incidents are declared and resolved between pages, sees each incident
// that existed at the start exactly once, in order.
func TestListCursorWalk(t *testing.T) {
	e := newEnv(t, token)
	e.declare(t, 23)
	seen := map[string]int{}
	var order []string
	path := "/api/v1/incidents?status=all&limit=5"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("the walk does not end")
		}
		keys, _, next := e.page(t, path)
		for _, k := range keys {
			seen[k]++
			order = append(order, k)
		}
		e.declare(t, 1)
		if next == "" {
			break
		}
		path = "/api/v1/incidents?status=all&limit=5&cursor=" + url.QueryEscape(next)
	}
	for n := 23; n >= 1; n-- {
		if k := fmt.Sprintf("INC-%d", n); seen[k] != 1 {
			t.Errorf("%s seen %d times", k, seen[k])
		}
	}
	if len(order) != 23 || order[0] != "INC-23" || order[22] != "INC-1" {
		t.Errorf("walk order %v", order)
	}
}

// TestListDefaultsToOpen: without a status only open incidents are listed
// and counted.
func TestListDefaultsToOpen(t *testing.T) {
	e := newEnv(t, token)
	e.declare(t, 3)
	e.command(t, "resolve INC-2 false alarm")
	for path, want := range map[string]int{
		"/api/v1/incidents":                 2,
		"/api/v1/incidents?status=open":     2,
		"/api/v1/incidents?status=all":      3,
		"/api/v1/incidents?status=resolved": 1,
	} {
		keys, total, _ := e.page(t, path)
		if len(keys) != want || total != want {
			t.Errorf("GET %s: %d incidents, total %d; want %d", path, len(keys), total, want)
		}
	}
}

func TestListPositionErrors(t *testing.T) {
	e := newEnv(t, token)
	for _, path := range []string{
		"/api/v1/incidents?cursor=djE6Mw&offset=1",
		"/api/v1/incidents?cursor=garbage!",
		"/api/v1/incidents?cursor=eDo1", // "x:5": not ours
		"/api/v1/incidents?offset=-1",
		"/api/v1/incidents?offset=ten",
	} {
		if status, out, _ := e.do(t, call{method: "GET", path: path}); status != 400 || out["error"] == nil {
			t.Errorf("GET %s: %d %v, want 400", path, status, out)
		}
	}
}

// TestListFiltersAndPrivateTotal: the list's filters narrow the page and
// the total, and a caller who may not see a private incident finds it in
// neither; a bad filter is a 400.
func TestListFiltersAndPrivateTotal(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	ctx := context.Background()
	for _, in := range []bot.DeclareInput{
		{Title: "Checkout latency", Severity: bot.SEV1, Service: "payments", Actor: "alice"},
		{Title: "Secret checkout merger", Severity: bot.SEV1, Service: "payments", Private: true, Actor: "alice"},
		{Title: "Disk full", Severity: bot.SEV3, Service: "db", Actor: "alice"},
	} {
		if _, err := e.svc.Declare(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		auth, path string
		keys       []string
	}{
		{"Bearer " + token, "/api/v1/incidents?severity=SEV1", []string{"INC-2", "INC-1"}},
		{sec["dash"], "/api/v1/incidents?severity=SEV1", []string{"INC-1"}},
		{sec["dash"], "/api/v1/incidents?status=all", []string{"INC-3", "INC-1"}},
		{sec["dash"], "/api/v1/incidents?q=checkout", []string{"INC-1"}},
		{"Bearer " + token, "/api/v1/incidents?q=checkout&service=payments", []string{"INC-2", "INC-1"}},
		{sec["dash"], "/api/v1/incidents?service=db,payments&sort=severity&dir=desc", []string{"INC-3", "INC-1"}},
	} {
		status, out, _ := e.do(t, call{method: "GET", path: c.path, auth: c.auth})
		if status != 200 {
			t.Fatalf("GET %s: %d %v", c.path, status, out)
		}
		var keys []string
		for _, i := range out["incidents"].([]any) {
			keys = append(keys, i.(map[string]any)["key"].(string))
		}
		if fmt.Sprint(keys) != fmt.Sprint(c.keys) || int(out["total"].(float64)) != len(c.keys) {
			t.Errorf("GET %s: %v of %v, want %v", c.path, keys, out["total"], c.keys)
		}
	}
	for _, path := range []string{"/api/v1/incidents?severity=SEV9", "/api/v1/incidents?from=yesterday",
		"/api/v1/incidents?sort=title", "/api/v1/incidents?sort=severity&cursor=" + url.QueryEscape("djE6NQ"),
		"/api/v1/incidents?hour=3", "/api/v1/incidents?from=2026-01-01&to=2026-02-01&hour=24",
		"/api/v1/incidents?from=2026-01-01&to=2026-02-01&weekday=someday",
		"/api/v1/incidents?from=2026-01-01&to=2026-02-01&hour=3&tz=Mars%2FOlympus",
		"/api/v1/incidents?from=2024-01-01&to=2026-02-01&hour=3"} {
		if status, out, _ := e.do(t, call{method: "GET", path: path}); status != 400 {
			t.Errorf("GET %s: %d %v, want 400", path, status, out)
		}
	}
}

// GET /api/v1/actions lists the overdue items of the caller's incidents,
// with the insights' filters; those of a private incident the caller is
// not in are absent.
func TestActionListAPI(t *testing.T) {
	e := newEnv(t, token)
	sec := tokens(t, e)
	ctx := context.Background()
	past := e.svc.Now().Add(-time.Hour)
	for _, in := range []bot.DeclareInput{
		{Title: "Checkout latency", Severity: bot.SEV1, Service: "payments", Actor: "alice"},
		{Title: "Secret merger", Severity: bot.SEV1, Service: "payments", Private: true, Actor: "alice"},
		{Title: "Disk full", Severity: bot.SEV3, Service: "db", Actor: "alice"},
	} {
		inc, err := e.svc.Declare(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddAction(ctx, inc.Number, "alice", bot.ActionInput{Title: "Fix " + inc.Key(), Due: &past}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		auth, path string
		want       []float64 // incident numbers
	}{
		{"Bearer " + token, "/api/v1/actions?overdue=1", []float64{1, 2, 3}},
		{sec["dash"], "/api/v1/actions?overdue=1", []float64{1, 3}},
		{sec["dash"], "/api/v1/actions?overdue=1&service=payments", []float64{1}},
		{"Bearer " + token, "/api/v1/actions?overdue=1&severity=SEV3", []float64{3}},
	} {
		status, out, _ := e.do(t, call{method: "GET", path: c.path, auth: c.auth})
		if status != 200 {
			t.Fatalf("GET %s: %d %v", c.path, status, out)
		}
		var got []float64
		for _, i := range out["action_items"].([]any) {
			got = append(got, i.(map[string]any)["incident"].(float64))
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("GET %s: %v, want %v", c.path, got, c.want)
		}
	}
	if status, _, _ := e.do(t, call{method: "GET", path: "/api/v1/actions?open=perhaps"}); status != 400 {
		t.Errorf("a bad open: %d, want 400", status)
	}
}
