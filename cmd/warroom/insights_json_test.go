package main

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

// TestDigestJSONAgreesWithTheAPI: `warroom digest --format json --now T`
// prints exactly what GET /api/v1/insights answers for the same period,
// filters and time.
func TestDigestJSONAgreesWithTheAPI(t *testing.T) {
	r := startApp(t)
	end := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	testkit.ImportHistory(t, r.app.store, testkit.History(800, end.Add(-60*24*time.Hour), end, 7))
	lookup := env("WARROOM_DB", r.app.cfg.DB.Reveal())
	for _, c := range []struct {
		query string
		args  []string
	}{
		{"period=30d&now=2026-05-04T09:00:00Z", []string{"--period", "30d"}},
		{"period=7d&service=api,db&severity=sev1,sev2&now=2026-05-04T09:00:00Z",
			[]string{"--period", "7d", "--service", "api,db", "--severity", "sev1,sev2"}},
	} {
		code, body := r.do(t, "GET", "/api/v1/insights?"+c.query, testToken, nil)
		if code != 200 {
			t.Fatalf("GET insights?%s: %d %s", c.query, code, body)
		}
		args := append([]string{"digest", "--format", "json", "--now", "2026-05-04T09:00:00Z"}, c.args...)
		code, stdout, stderr := runCLI(t, lookup, args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, stderr)
		}
		var api, cli map[string]any
		if err := json.Unmarshal([]byte(body), &api); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(api, cli) {
			t.Errorf("%s: the CLI and the API disagree\nAPI: %s\nCLI: %s", c.query, body, stdout)
		}
		if n := api["incidents"].(map[string]any)["total"].(float64); n == 0 {
			t.Errorf("%s: no incidents: the test compares nothing", c.query)
		}
	}
}
