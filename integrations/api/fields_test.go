package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/warroom/warroom/internal/testkit"
)

// Required fields through the API: a declare without them is 400 naming
// the field and writes nothing; resolve and close through commands are
// 409 until the field is set; the list filters by type and field.
func TestAPIRequiredFieldsAndFilters(t *testing.T) {
	e := newEnvWith(t, token, []testkit.Option{testkit.WithConfig(testkit.Catalog())})
	for _, tc := range []struct {
		name, body string
		status     int
		errHas     string
	}{
		{"missing field", `{"title":"Checkout down","severity":"sev2"}`, 400, "declaring needs the field customer_impact"},
		{"bad select", `{"title":"Checkout down","fields":{"customer_impact":"lots"}}`, 400, "customer_impact is one of None, Some, All"},
		{"bad number", `{"title":"Checkout down","fields":{"customer_impact":"some","cost":"ten"}}`, 400, "cost is a number"},
		{"bad value type", `{"title":"Checkout down","fields":{"customer_impact":true}}`, 400, `"fields.customer_impact" must be a string or a number`},
		{"unknown type", `{"title":"Checkout down","type":"fire","fields":{"customer_impact":"some"}}`, 400, `incident type "fire"`},
		{"severity the type refuses", `{"title":"Leak","type":"security","severity":"sev4","fields":{"customer_impact":"some"}}`, 400, "a security incident cannot be SEV4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.snapshot(t)
			status, out, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents", body: tc.body})
			if status != tc.status || !strings.Contains(out["error"].(string), tc.errHas) {
				t.Fatalf("%d %v, want %d with %q", status, out, tc.status, tc.errHas)
			}
			if diff := cmp.Diff(before, e.snapshot(t)); diff != "" {
				t.Fatalf("a refused declare changed something (-before +after):\n%s", diff)
			}
		})
	}
	status, out, _ := e.do(t, call{method: "POST", path: "/api/v1/incidents",
		body: `{"title":"Keys leaked","type":"security","severity":"sev1","fields":{"customer_impact":"all","cost":1250.5,"due":"2026-12-01"},"user":"alice"}`})
	if status != 201 || out["type"] != "security" || out["private"] != true {
		t.Fatalf("declare: %d %v", status, out)
	}
	if f := out["fields"].(map[string]any); f["customer_impact"] != "All" || f["cost"] != "1250.5" {
		t.Fatalf("fields %v", f)
	}
	status, _, _ = e.do(t, call{method: "POST", path: "/api/v1/incidents", body: `{"title":"Slow","fields":{"customer_impact":"none"}}`})
	if status != 201 {
		t.Fatal(status)
	}

	refused := func(text, errHas string) {
		t.Helper()
		b, _ := json.Marshal(map[string]string{"text": text, "user": "alice"})
		status, out, _ := e.do(t, call{method: "POST", path: "/api/v1/commands", body: string(b)})
		if status != 409 || !strings.Contains(out["error"].(string), errHas) {
			t.Fatalf("%s: %d %v, want 409 with %q", text, status, out, errHas)
		}
	}
	refused("resolve INC-1", "INC-1 cannot be resolved until the field root_cause (text) is set")
	e.command(t, "field INC-1 root_cause token in a public repository")
	e.command(t, "resolve INC-1")
	refused("close INC-1", "reviewer")
	e.command(t, "field INC-1 reviewer @bob")
	e.command(t, "close INC-1")

	for _, tc := range []struct {
		query string
		want  string
	}{
		{"?status=all&type=security", "INC-1"},
		{"?status=all&type=default", "INC-2"},
		{"?status=all&field.customer_impact=NONE", "INC-2"},
		{"?status=all&field.reviewer=bob", "INC-1"},
	} {
		status, out, _ := e.do(t, call{method: "GET", path: "/api/v1/incidents" + tc.query})
		if status != 200 {
			t.Fatalf("%s: %d %v", tc.query, status, out)
		}
		var keys []string
		for _, i := range out["incidents"].([]any) {
			keys = append(keys, i.(map[string]any)["key"].(string))
		}
		if strings.Join(keys, ",") != tc.want {
			t.Errorf("%s: %v, want %s", tc.query, keys, tc.want)
		}
	}
	if status, out, _ := e.do(t, call{method: "GET", path: "/api/v1/incidents?field.colour=red"}); status != 400 {
		t.Errorf("unknown field filter: %d %v", status, out)
	}

	status, out, _ = e.do(t, call{method: "GET", path: "/api/v1/catalog"})
	if status != 200 || len(out["types"].([]any)) != 2 || len(out["fields"].([]any)) != 5 || len(out["severities"].([]any)) != 4 {
		t.Fatalf("catalog: %d %v", status, out)
	}
}
