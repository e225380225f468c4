package console_test

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// The insights' overdue-actions tile links to the action list of exactly
// the items it counts, with the page's filters; the list takes the same
// filters by hand and refuses bad ones.
func TestOverdueActionsDrillDown(t *testing.T) {
	s := newStack(t, console.Config{})
	srv := s.serve(t)
	ctx := context.Background()
	past, future := time.Now().Add(-48*time.Hour), time.Now().Add(48*time.Hour)
	for _, c := range []struct {
		service string
		sev     bot.Severity
		due     *time.Time
		done    bool
	}{
		{"api", bot.SEV1, &past, false}, // overdue
		{"api", bot.SEV2, &past, false}, // overdue
		{"api", bot.SEV1, &past, true},  // done: not overdue
		{"api", bot.SEV1, &future, false},
		{"api", bot.SEV1, nil, false},
		{"db", bot.SEV1, &past, false}, // overdue, another service
	} {
		inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Outage of " + c.service, Severity: c.sev, Service: c.service, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.svc.AddAction(ctx, inc.Number, "alice", bot.ActionInput{Title: "Fix " + inc.Key(), Owner: "bob", Due: c.due})
		if err != nil {
			t.Fatal(err)
		}
		if c.done {
			if _, err := s.svc.CompleteAction(ctx, bot.Cause{}, inc.Number, "bob", a.Seq); err != nil {
				t.Fatal(err)
			}
		}
	}
	tile := regexp.MustCompile(`<a class="tile" href="([^"]+)"[^>]*>\s*<span class="tile-label">Overdue action items</span>\s*<span class="tile-value">(\d+)</span>`)
	rows := regexp.MustCompile(`<tr class="action overdue" data-incident="(INC-\d+)"`)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"INC-1", "INC-2", "INC-6"}},
		{"&service=api", []string{"INC-1", "INC-2"}},
		{"&service=api&severity=SEV1", []string{"INC-1"}},
	} {
		code, _, page := get(t, srv.URL+"/insights?period=7d"+c.query)
		m := tile.FindStringSubmatch(page)
		if code != 200 || m == nil {
			t.Fatalf("insights%s: %d, no overdue tile", c.query, code)
		}
		href := html.UnescapeString(m[1])
		if m[2] != strconv.Itoa(len(c.want)) || !strings.HasPrefix(href, "/actions?overdue=1") {
			t.Errorf("insights%s: tile %s → %s, want %d", c.query, m[2], href, len(c.want))
		}
		code, _, list := get(t, srv.URL+href)
		var got []string
		for _, r := range rows.FindAllStringSubmatch(list, -1) {
			got = append(got, r[1])
		}
		if code != 200 || strings.Join(got, " ") != strings.Join(c.want, " ") || strings.Count(list, `<tr class="action`) != len(c.want) {
			t.Errorf("%s: %d %v, want %v", href, code, got, c.want)
		}
	}
	if code, _, list := get(t, srv.URL+"/actions?open=1"); code != 200 || strings.Count(list, `<tr class="action`) != 5 {
		t.Errorf("open items: %d, %d rows, want 5", code, strings.Count(list, `<tr class="action`))
	}
	for _, bad := range []string{"/actions?overdue=maybe", "/actions?severity=SEV9"} {
		if code, _, _ := get(t, srv.URL+bad); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}
