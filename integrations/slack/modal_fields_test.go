package slack

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

func testCatalog() catalog {
	c := testkit.Catalog()
	return catalog{Types: c.Types, Fields: c.Fields}
}

// The declare and resolve forms with types and fields of every kind, and
// the commands their submissions stand for.
func TestCatalogForms(t *testing.T) {
	t.Cleanup(func() { _ = bot.SetSeverityLevels(nil) })
	if err := bot.SetSeverityLevels(map[bot.Severity]bot.SeverityLevel{1: {Name: "P1", Description: "Customers cannot pay"}}); err != nil {
		t.Fatal(err)
	}
	inc := &bot.Incident{Number: 7, Title: "Checkout down", Fields: map[string]string{"customer_impact": "Some"}}
	for name, v := range map[string]any{
		"modal_declare_catalog": declareView("C1", testCatalog()),
		"modal_declare_plain":   declareView("C1", catalog{}),
		"modal_resolve_catalog": resolveView(inc, "C1", testCatalog()),
	} {
		got, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		testkit.Golden(t, filepath.Join("testdata", name+".golden.json"), got)
	}

	payload := `{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"warroom_declare","private_metadata":"C1","state":{"values":{
		"title":{"title":{"type":"plain_text_input","value":"Keys leaked"}},
		"severity":{"severity":{"type":"static_select","selected_option":{"value":"sev1"}}},
		"type":{"type":{"type":"static_select","selected_option":{"value":"security"}}},
		"field.customer_impact":{"field.customer_impact":{"type":"static_select","selected_option":{"value":"All"}}},
		"field.reviewer":{"field.reviewer":{"type":"users_select","selected_user":"U0BOB"}},
		"field.due":{"field.due":{"type":"datepicker","selected_date":"2026-12-01"}},
		"field.cost":{"field.cost":{"type":"plain_text_input","value":"12.5"}},
		"field.root_cause":{"field.root_cause":{"type":"plain_text_input","value":"a \"quoted\" --flag"}}}}}}`
	in, err := parseInteraction([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	text, _, _, err := in.submission().command()
	if err != nil {
		t.Fatal(err)
	}
	want := `declare sev1 "Keys leaked" --type=security --field=cost=12.5 --field=customer_impact=All --field=due=2026-12-01 --field=reviewer=U0BOB --field="root_cause=a \"quoted\" --flag"`
	if text != want {
		t.Fatalf("declare command\n got %s\nwant %s", text, want)
	}
	payload = `{"type":"view_submission","view":{"callback_id":"warroom_resolve","private_metadata":"INC-7|C1","state":{"values":{
		"summary":{"summary":{"type":"plain_text_input","value":"Rolled back"}},
		"field.root_cause":{"field.root_cause":{"type":"plain_text_input","value":"bad deploy"}}}}}}`
	if in, err = parseInteraction([]byte(payload)); err != nil {
		t.Fatal(err)
	}
	if text, _, _, err = in.submission().command(); err != nil || text != `resolve INC-7 "Rolled back" --field="root_cause=bad deploy"` {
		t.Fatalf("resolve command %s, %v", text, err)
	}
}
