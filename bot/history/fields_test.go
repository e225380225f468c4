package history_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot/history"
	"github.com/warroom/warroom/internal/testkit"
)

// Row exports carry the type and a column per custom field (a number
// field as a JSON number), and an import reads them back.
func TestExportCarriesTypeAndFields(t *testing.T) {
	s := newStore()
	if _, report, err := importString(t, s, "csv", sample); err != nil {
		t.Fatalf("import: %v\n%s", err, report)
	}
	s.incidents[7].Type = "security"
	s.incidents[7].Fields = map[string]string{"customer_impact": "Some", "cost": "12.5", "due": "2026-12-01"}
	defs := testkit.Catalog().Fields
	csv := export(t, s, history.ExportOptions{Format: "csv", Fields: defs})
	head := strings.SplitN(csv, "\n", 2)[0]
	if !strings.HasSuffix(head, ",type,field.customer_impact,field.root_cause,field.reviewer,field.cost,field.due") {
		t.Fatalf("header %s", head)
	}
	var rows []map[string]any
	js := export(t, s, history.ExportOptions{Format: "json", Fields: defs})
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatal(err)
	}
	inc7 := rows[1]
	for col, want := range map[string]any{"type": "security", "field.customer_impact": "Some", "field.cost": 12.5, "field.due": "2026-12-01", "field.reviewer": nil} {
		if got := inc7[col]; got != want {
			t.Errorf("%s = %#v, want %#v", col, got, want)
		}
	}
	for _, format := range []string{"csv", "json"} {
		again := newStore()
		out := map[string]string{"csv": csv, "json": js}[format]
		if _, report, err := importString(t, again, format, out); err != nil {
			t.Fatalf("%s re-import: %v\n%s", format, err, report)
		}
		inc := again.incidents[7]
		if inc.Type != "security" || inc.Fields["cost"] != "12.5" || inc.Fields["customer_impact"] != "Some" || len(inc.Fields) != 3 {
			t.Errorf("%s re-import: type %q fields %v", format, inc.Type, inc.Fields)
		}
		if got := export(t, again, history.ExportOptions{Format: format, Fields: defs}); got != out {
			t.Errorf("%s export after re-import differs:\n%s\nwas\n%s", format, got, out)
		}
	}
}
