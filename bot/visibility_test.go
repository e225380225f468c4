package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

func TestPrivateVisibleTo(t *testing.T) {
	inc := &bot.Incident{Number: 42, Title: "Secret", Private: true, Roles: map[string]string{"commander": "alice", "scribe": "@Dave"}}
	for _, c := range []struct {
		v    bot.Viewer
		want bool
	}{
		{bot.Viewer{User: "alice"}, true},
		{bot.Viewer{User: "@alice"}, true},
		{bot.Viewer{User: "dave"}, true},
		{bot.Viewer{User: "bob"}, false},
		{bot.Viewer{}, false},
		{bot.Viewer{User: "bob", SeePrivate: true}, true},
		{bot.Everyone, true},
	} {
		if got := inc.VisibleTo(c.v); got != c.want {
			t.Errorf("%+v: %v, want %v", c.v, got, c.want)
		}
	}
	inc.Private = false
	if !inc.VisibleTo(bot.Viewer{}) {
		t.Error("a public incident hidden")
	}
}

// Pages and the outward view carry the neutral title unless revealed; the
// incident itself keeps its own.
func TestPrivateOutward(t *testing.T) {
	for _, reveal := range []bool{false, true} {
		kit := testkit.NewService(t, testkit.WithConfig(bot.Config{
			Paging: bot.PagingConfig{Targets: []string{"pagerduty"}}, RevealPrivateTitles: reveal,
		}))
		ctx := context.Background()
		inc, err := kit.Svc.Declare(ctx, bot.DeclareInput{Title: "Secret merger", Summary: "the memo", Severity: bot.SEV1, Private: true, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		jobs, err := kit.Store.LiveJobs(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var page string
		for _, j := range jobs {
			if j.Target == "pagerduty" {
				page = string(j.Payload)
			}
		}
		out := kit.Svc.Outward(inc)
		if reveal {
			if !strings.Contains(page, "Secret merger") || out.Title != "Secret merger" {
				t.Errorf("revealed: page %s, outward %q", page, out.Title)
			}
			continue
		}
		if page == "" || strings.Contains(page, "Secret") || !strings.Contains(page, "Private incident INC-1") {
			t.Errorf("page payload %s", page)
		}
		if out.Title != "Private incident INC-1" || out.Summary != "" || inc.Title != "Secret merger" {
			t.Errorf("outward %+v, own %q", out, inc.Title)
		}
	}
}
