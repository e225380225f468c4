package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/internal/sqlstore"
)

// TestRecordReadsUseIndexes: with an incident's audit records in timeline
// (schema 35), an incident's entries and records are one range of
// timeline_incident, every record a merge of audit and the tail of
// timeline in id order (no sort, no scan of timeline's older entries),
// and a new id two lookups of the highest rowid.
func TestRecordReadsUseIndexes(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	for name, s := range sqlstore.RecordStatements() {
		steps := planSteps(t, db, name, s)
		all := strings.Join(steps, "\n")
		for _, st := range steps {
			if fullScan.MatchString(st) || strings.Contains(st, "TEMP B-TREE") {
				t.Errorf("%s reads a whole table or sorts (%s):\n%s", name, st, all)
			}
		}
		switch name {
		case "timeline", "audit of incident":
			if !strings.Contains(all, "timeline USING INDEX timeline_incident (incident=? AND") &&
				!strings.Contains(all, "timeline USING INDEX timeline_incident (incident=?)") {
				t.Errorf("%s does not read timeline_incident:\n%s", name, all)
			}
		case "audit":
			if !strings.Contains(all, "SEARCH timeline USING INTEGER PRIMARY KEY (rowid>?)") {
				t.Errorf("%s reads timeline from its start:\n%s", name, all)
			}
		}
	}
}
