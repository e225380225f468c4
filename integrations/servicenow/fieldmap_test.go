package servicenow_test

import (
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/servicenow"
)

// Custom fields and the type go to the columns the field map names: on
// create, and in a patch of that column alone when one changes.
func TestFieldMapFollowsCustomFields(t *testing.T) {
	e := newEnv(t, func(c *servicenow.Config) {
		c.FieldMap = map[string]string{"customer_impact": "u_customer_impact", "root_cause": "u_root_cause", "type": "u_incident_type"}
	})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Keys leaked", Severity: bot.SEV1, Type: "default", Actor: "alice",
		Fields: map[string]string{"customer_impact": "all"}})
	if err != nil {
		t.Fatal(err)
	}
	e.drain()
	rec := e.checkOneRecord(inc.Number)
	if rec["u_customer_impact"] != "All" || rec["u_incident_type"] != "default" || rec["u_root_cause"] != "" {
		t.Fatalf("created %v", rec)
	}
	if _, err := e.svc.SetCustomField(e.ctx, inc.Number, "alice", "root_cause", "key in a build log"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	if rec = e.checkOneRecord(inc.Number); rec["u_root_cause"] != "key in a build log" {
		t.Fatalf("record %v", rec)
	}
	if !slices.Contains(e.fake.log(), "patch "+rec["number"]+" u_root_cause") {
		t.Fatalf("writes %v, want a patch of u_root_cause alone", e.fake.log())
	}
}
