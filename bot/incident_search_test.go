package bot_test

import (
	"context"
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// A viewer's list counts exactly what the viewer can page through: private
// incidents they may not see are in neither the pages nor the total.
func TestSearchAsCountsWhatTheViewerSees(t *testing.T) {
	kit := testkit.NewService(t)
	ctx := context.Background()
	for _, in := range []bot.DeclareInput{
		{Title: "Public outage one", Actor: "ops"},
		{Title: "Secret merger", Private: true, Commander: "alice", Actor: "alice"},
		{Title: "Public outage two", Actor: "ops"},
		{Title: "Secret layoffs", Private: true, Commander: "bob", Actor: "bob"},
		{Title: "Public outage three", Actor: "ops"},
	} {
		if _, err := kit.Svc.Declare(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		v    bot.Viewer
		want []string // newest first
	}{
		{bot.Viewer{User: "carol"}, []string{"INC-5", "INC-3", "INC-1"}},
		{bot.Viewer{User: "alice"}, []string{"INC-5", "INC-3", "INC-2", "INC-1"}},
		{bot.Viewer{User: "carol", Aliases: []string{"bob"}}, []string{"INC-5", "INC-4", "INC-3", "INC-1"}},
		{bot.Viewer{User: "carol", SeePrivate: true}, []string{"INC-5", "INC-4", "INC-3", "INC-2", "INC-1"}},
	} {
		// Page by two: every page's total is the number of rows paged.
		var got []string
		for off := 0; ; off += 2 {
			page, err := kit.Svc.SearchAs(ctx, bot.IncidentQuery{Desc: true, Limit: 2, Offset: off}, c.v)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != int64(len(c.want)) || page.AtLeast {
				t.Errorf("%+v: total %d, want %d", c.v, page.Total, len(c.want))
			}
			for _, inc := range page.Incidents {
				got = append(got, inc.Key())
			}
			if len(page.Incidents) < 2 {
				break
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: paged %v, want %v", c.v, got, c.want)
		}
	}
	// Filters apply to the private incidents too.
	page, err := kit.Svc.SearchAs(ctx, bot.IncidentQuery{Text: "secret"}, bot.Viewer{User: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Incidents) != 1 || page.Incidents[0].Key() != "INC-2" {
		t.Errorf("alice's secret search: %d %v", page.Total, page.Incidents)
	}
}
