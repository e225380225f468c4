package console_test

import (
	"encoding/json"
	"html"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/internal/testkit"
)

var catalogScript = regexp.MustCompile(`(?s)<script type="application/json" id="form-catalog">(.*?)</script>`)

// The chat page carries what its declare and resolve forms offer; the
// commands those forms send are refused naming a missing required field;
// the incident page and the list show and filter types and fields.
func TestConsoleCatalogForms(t *testing.T) {
	const token = "console-token-42"
	s := newStack(t, console.Config{Token: token}, testkit.WithConfig(testkit.Catalog()))
	page := s.request(t, "GET", "/channels/incidents", "", nil)
	m := catalogScript.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil {
		t.Fatalf("chat page %d without the form catalog", page.status)
	}
	var cat any
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &cat); err != nil {
		t.Fatalf("form catalog %q: %v", m[1], err)
	}
	pretty, _ := json.MarshalIndent(cat, "", "  ")
	testkit.Golden(t, filepath.Join("testdata", "form-catalog.golden.json"), pretty)

	// What console.js sends for a declare form left without the field
	// required to declare, and for one filled in.
	for _, tc := range []struct {
		text   string
		status int
		has    string
	}{
		{`/incident declare sev2 "Checkout down" --type "default"`, 400, "declaring needs the field customer_impact"},
		{`/incident declare sev2 "Checkout down" --type "default" --field "customer_impact=Some" --field "due=2026-12-01"`, 200, "Declared INC-1"},
		{`/incident declare sev3 "Keys leaked" --type "security" --field "customer_impact=All"`, 400, "a security incident cannot be SEV3"},
		{`resolve INC-1`, 409, "INC-1 cannot be resolved until the field root_cause (text) is set"},
		{`resolve INC-1 "Rolled back" --field "root_cause=bad deploy"`, 200, "INC-1 resolved"},
	} {
		res := s.command(t, tc.text, "incidents", nil)
		if res.status != tc.status || !strings.Contains(html.UnescapeString(res.body), tc.has) {
			t.Fatalf("%s: %d %s, want %d with %q", tc.text, res.status, res.body, tc.status, tc.has)
		}
	}

	inc := s.request(t, "GET", "/incidents/INC-1", "", nil)
	for _, want := range []string{"<dt>Type</dt><dd>default</dd>", "<dt>Customer impact</dt><dd>Some</dd>", "<dt>root_cause</dt><dd>bad deploy</dd>", "<dt>reviewer</dt><dd>—</dd>"} {
		if !strings.Contains(inc.body, want) {
			t.Errorf("incident page lacks %s", want)
		}
	}
	for query, want := range map[string]bool{"?status=all&type=default": true, "?status=all&type=security": false,
		"?status=all&field.customer_impact=some": true, "?status=all&field.customer_impact=All": false} {
		list := s.request(t, "GET", "/incidents"+query, "", nil)
		if list.status != 200 || strings.Contains(list.body, `href="/incidents/INC-1"`) != want {
			t.Errorf("list %s: %d, INC-1 listed %v", query, list.status, !want)
		}
	}
	if list := s.request(t, "GET", "/incidents?status=all", "", nil); !strings.Contains(list.body, `<select name="field.customer_impact">`) || !strings.Contains(list.body, `<select name="type">`) {
		t.Error("the list has no type and field filters")
	}

	// The insights count by type and field, in the console and the API.
	for query, want := range map[string]float64{"type=default": 1, "type=security": 0, "field.customer_impact=some": 1, "field.customer_impact=none": 0} {
		res := s.request(t, "GET", "/api/v1/insights?period=7d&"+query, "", map[string]string{"Authorization": "Bearer " + token})
		var out struct {
			Incidents struct {
				Total float64 `json:"total"`
			} `json:"incidents"`
		}
		if err := json.Unmarshal([]byte(res.body), &out); res.status != 200 || err != nil {
			t.Fatalf("insights %s: %d %s", query, res.status, res.body)
		}
		if out.Incidents.Total != want {
			t.Errorf("insights %s: %v incidents, want %v", query, out.Incidents.Total, want)
		}
	}
	if page := s.request(t, "GET", "/insights?period=7d&type=default", "", nil); page.status != 200 || !strings.Contains(page.body, `<option value="default" selected>`) {
		t.Errorf("insights page with a type filter: %d", page.status)
	}
}
