package sqlite

import (
	"testing"

	"github.com/warroom/warroom/bot"
)

// TestStatusChangesLeaveIncidentIndexes: since schema 42 a declaration
// and an acknowledgement write no page of incidents_kpi (it holds the
// resolved incidents only) and an acknowledgement or a resolution none of
// incidents_severity_number (its entries carry no status); a resolution
// adds the incident to incidents_kpi. Read from the -wal file's frames
// after each commit, over a history of incidents already resolved.
func TestStatusChangesLeaveIncidentIndexes(t *testing.T) {
	ctx := t.Context()
	s, svc, _, path := pagesStore(t)
	lifecycle := func() int64 {
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency above SLO", Severity: bot.SEV2, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "alice"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "rolled back"); err != nil {
			t.Fatal(err)
		}
		return inc.Number
	}
	for range 40 {
		lifecycle()
	}
	var off int64
	step := func(err error) map[string]int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		pages := map[string]int{}
		if off, err = walPagesFrom(ctx, s.DB(), path+"-wal", off, pages); err != nil {
			t.Fatal(err)
		}
		return pages
	}
	step(nil) // the history's frames
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Disk almost full", Severity: bot.SEV2, Actor: "alice"})
	declared := step(err)
	_, err = svc.Ack(ctx, bot.Cause{}, inc.Number, "alice")
	acked := step(err)
	_, err = svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "cleaned up")
	resolved := step(err)
	checkTreesWritten(t, []treeWritten{
		{"declaration", declared, "incidents_kpi", false},
		{"declaration", declared, "incidents_severity_number", true},
		{"acknowledgement", acked, "incidents_kpi", false},
		{"acknowledgement", acked, "incidents_severity_number", false},
		{"acknowledgement", acked, "incidents_unclosed", true},
		{"resolution", resolved, "incidents_severity_number", false},
		{"resolution", resolved, "incidents_kpi", true},
	})
}

// treeWritten says whether a step should have written a page of a B-tree.
type treeWritten struct {
	step  string
	pages map[string]int // the step's pages by B-tree (walPagesFrom)
	tree  string
	want  bool
}

// checkTreesWritten fails each case whose step wrote a page of its tree
// when it should not have, or none when it should have.
func checkTreesWritten(t *testing.T, cases []treeWritten) {
	t.Helper()
	for _, c := range cases {
		if got := c.pages[c.tree] > 0; got != c.want {
			t.Errorf("the %s wrote %d pages of %s, want written: %v (%s)", c.step, c.pages[c.tree], c.tree, c.want,
				formatWALPages(c.pages, 1))
		}
	}
}
