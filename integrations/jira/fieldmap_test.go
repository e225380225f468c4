package jira_test

import (
	"reflect"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
)

// Custom fields and the type go to the Jira fields the field map names,
// in the shape Jira's REST API takes for them (a select option as
// {"value": …}, a number as a number): on create, and again when they
// change.
func TestFieldMapFollowsCustomFields(t *testing.T) {
	e := newEnv(t, func(c *jira.Config) {
		c.FieldMap = map[string]string{"customer_impact": "customfield_10050", "root_cause": "customfield_10051", "type": "customfield_10052",
			"cost": "customfield_10053"}
	})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Keys leaked", Severity: bot.SEV1, Type: "security", Actor: "alice",
		Fields: map[string]string{"customer_impact": "all", "cost": "2000.50"}})
	if err != nil {
		t.Fatal(err)
	}
	e.drain()
	custom := e.fake.withLabel("warroom-inc-1")[0].Custom
	if !reflect.DeepEqual(custom["customfield_10050"], map[string]any{"value": "All"}) || custom["customfield_10052"] != "security" ||
		custom["customfield_10051"] != nil || custom["customfield_10053"] != 2000.5 {
		t.Fatalf("created with %v", custom)
	}
	if _, err := e.svc.SetCustomField(e.ctx, inc.Number, "alice", "root_cause", "key in a build log"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	custom = e.fake.withLabel("warroom-inc-1")[0].Custom
	if custom["customfield_10051"] != "key in a build log" {
		t.Fatalf("root cause in Jira = %v", custom["customfield_10051"])
	}
	if _, err := e.svc.SetCustomField(e.ctx, inc.Number, "alice", "customer_impact", "Some"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	custom = e.fake.withLabel("warroom-inc-1")[0].Custom
	if !reflect.DeepEqual(custom["customfield_10050"], map[string]any{"value": "Some"}) || custom["customfield_10053"] != 2000.5 {
		t.Fatalf("after the impact changed: %v", custom)
	}
}
