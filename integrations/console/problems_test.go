package console_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// TestProblemPages: a problem recorded in the command box shows in the
// problem list and on its page, with its linked incidents and action
// items; the incident page links back to it.
func TestProblemPages(t *testing.T) {
	s := newStack(t, console.Config{})
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full on db1", Severity: bot.SEV2, Service: "db", Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		"/problem create Disks fill up <script>",
		"/problem link PRB-1 " + inc.Key(),
		"/problem rootcause PRB-1 log rotation was off",
		"/problem workaround PRB-1 delete old logs",
	} {
		mustCommand(t, s, cmd, "")
	}
	past := time.Now().Add(-48 * time.Hour)
	if _, err := s.svc.Problems().AddAction(ctx, "alice", 1, bot.ActionInput{Title: "Turn on log rotation", Owner: "bob", Due: &past}); err != nil {
		t.Fatal(err)
	}
	list := s.request(t, "GET", "/problems", "", nil)
	if list.status != 200 || !strings.Contains(list.body, `<a href="/problems/PRB-1">PRB-1</a>`) ||
		!strings.Contains(list.body, "Disks fill up &lt;script&gt;") {
		t.Fatalf("problem list: %d\n%s", list.status, list.body)
	}
	page := s.request(t, "GET", "/problems/PRB-1", "", nil)
	for _, want := range []string{"log rotation was off", "delete old logs", `<a href="/incidents/INC-1">INC-1</a>`,
		"Turn on log rotation", "(overdue)"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("problem page lacks %q", want)
		}
	}
	incPage := s.request(t, "GET", "/incidents/"+inc.Key(), "", nil)
	if !strings.Contains(incPage.body, `<a class="problem-link" href="/problems/PRB-1">PRB-1</a>`) {
		t.Errorf("the incident page does not link its problem:\n%s", incPage.body)
	}
	actions := s.request(t, "GET", "/actions?overdue=1", "", nil)
	if !strings.Contains(actions.body, `data-problem="PRB-1" data-seq="1"`) {
		t.Errorf("the overdue action list lacks the problem's item")
	}
	mustCommand(t, s, "/problem close PRB-1", "")
	if open := s.request(t, "GET", "/problems", "", nil); strings.Contains(open.body, "PRB-1") {
		t.Errorf("a closed problem in the open list")
	}
	if all := s.request(t, "GET", "/problems?status=all", "", nil); !strings.Contains(all.body, "PRB-1") {
		t.Errorf("the full list lacks the closed problem")
	}
	for target, want := range map[string]int{"/problems/PRB-9": 404, "/problems/INC-1": 400, "/problems?status=fixed": 400} {
		if res := s.request(t, "GET", target, "", nil); res.status != want {
			t.Errorf("GET %s: %d, want %d", target, res.status, want)
		}
	}
}

// TestInsightsCandidateProblems: three incidents of one service within the
// window and no problem: a candidate on the insights page and in the
// JSON API; once linked to a problem, they recur under it instead.
func TestInsightsCandidateProblems(t *testing.T) {
	s := newStack(t, console.Config{Token: "tok-0123456789abcdef"})
	ctx := context.Background()
	for i := range 3 {
		if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full " + string(rune('a'+i)), Service: "db", Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
	}
	page := s.request(t, "GET", "/insights?period=7d", "", nil)
	if page.status != 200 || !strings.Contains(page.body, `data-candidate="service:db"`) ||
		!strings.Contains(page.body, `<a href="/incidents/INC-1">INC-1</a>`) {
		t.Fatalf("insights: %d, no candidate for db:\n%s", page.status, page.body)
	}
	if p := s.request(t, "GET", "/insights?period=7d&candidates=4", "", nil); strings.Contains(p.body, `data-candidate="service:db"`) {
		t.Errorf("a candidate with 3 incidents where 4 are asked for")
	}
	mustCommand(t, s, "/problem create Disks fill up", "")
	mustCommand(t, s, "/problem link PRB-1 INC-1 INC-2 INC-3", "")
	res := s.request(t, "GET", "/api/v1/insights?period=7d", "", map[string]string{"Authorization": "Bearer tok-0123456789abcdef"})
	var in struct {
		Problems struct {
			Open       int64 `json:"open"`
			Recurrence []struct {
				Key      string `json:"key"`
				InPeriod int64  `json:"incidents_in_period"`
			} `json:"recurrence"`
			Candidates []any `json:"candidates"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(res.body), &in); err != nil || res.status != 200 {
		t.Fatalf("insights API: %d %v %s", res.status, err, res.body)
	}
	p := in.Problems
	if p.Open != 1 || len(p.Candidates) != 0 || len(p.Recurrence) != 1 || p.Recurrence[0].Key != "PRB-1" || p.Recurrence[0].InPeriod != 3 {
		t.Errorf("problems in the insights: %+v", p)
	}
}
