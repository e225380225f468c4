package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot/history"
)

const historyCSV = `key,title,severity,status,service,source,started_at,declared_at,acknowledged_at,resolved_at,closed_at,commander,jira,jira_url
INC-7,Checkout latency,SEV2,closed,checkout,alertmanager,2026-01-05T09:58:00Z,2026-01-05T10:00:00Z,2026-01-05T10:04:00Z,2026-01-05T11:00:00Z,2026-01-06T10:00:00Z,@alice,OPS-1,https://jira.example/browse/OPS-1
INC-3,"=HYPERLINK(""http://evil"")",SEV4,resolved,search,,,2026-01-02 08:00,2026-01-02 09:00,2026-01-03 08:00,,,,
INC-12,Disk full,SEV3,investigating,db,,,2026-01-08T00:00:00Z,2026-01-08T00:30:00Z,,,bob,,
`

func TestImportExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	lookup := env("WARROOM_DB", db)
	in := writeFile(t, "history.csv", historyCSV)

	for i, want := range []string{"3 new, 0 updated, 0 unchanged", "0 new, 0 updated, 3 unchanged"} { // idempotent by key
		code, stdout, stderr := runCLI(t, lookup, "import", in)
		if code != 0 || !strings.Contains(stdout, want) {
			t.Fatalf("import %d = %d\nstdout: %s\nstderr: %s", i+1, code, stdout, stderr)
		}
	}
	// Declares after an import continue past the highest imported key.
	code, stdout, stderr := runCLI(t, lookup, "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("export = %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || strings.Join(recs[0], ",") != strings.Join(history.Columns(), ",") {
		t.Fatalf("export:\n%s", stdout)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	first := recs[1] // oldest first: INC-3
	if first[col["key"]] != "INC-3" || first[col["title"]] != `'=HYPERLINK("http://evil")` {
		t.Errorf("first row = %v (a formula must be defused)", first)
	}
	inc7 := recs[2]
	for c, want := range map[string]string{"time_to_detect_s": "120", "time_to_acknowledge_s": "240", "time_to_resolve_s": "3600",
		"ack_sla": "met", "resolve_sla": "met", "jira": "OPS-1", "commander": "alice", "in_maintenance": "false"} {
		if got := inc7[col[c]]; got != want {
			t.Errorf("INC-7 %s = %q, want %q", c, got, want)
		}
	}
	if inc12 := recs[3]; inc12[col["resolve_sla"]] != "missed" || inc12[col["time_to_resolve_s"]] != "" {
		t.Errorf("INC-12 = %v, want an open incident past its 3d target", inc12)
	}
	// The export imports again unchanged (formula defused and restored).
	out := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(out, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, lookup, "import", out); code != 0 || !strings.Contains(stdout, "0 new, 0 updated, 3 unchanged") {
		t.Fatalf("re-import of the export = %d\n%s\n%s", code, stdout, stderr)
	}
	code, again, _ := runCLI(t, lookup, "export", "--format", "csv")
	if code != 0 || again != stdout {
		t.Errorf("export after re-import differs:\n%s\nwas\n%s", again, stdout)
	}
	// JSON too.
	code, js, stderr := runCLI(t, lookup, "export", "--format", "json", "--since", "2026-01-04")
	if code != 0 || !strings.HasPrefix(js, "[\n{") || strings.Count(js, `"key":`) != 2 {
		t.Fatalf("json export = %d %s\n%s", code, stderr, js)
	}
	jsonFile := filepath.Join(dir, "export.json")
	if err := os.WriteFile(jsonFile, []byte(js), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, lookup, "import", jsonFile); code != 0 || !strings.Contains(stdout, "0 new, 0 updated, 2 unchanged") {
		t.Fatalf("json import = %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestImportRejectsAFileWithErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	lookup := env("WARROOM_DB", db)
	bad := writeFile(t, "bad.csv", `key,title,severity,status,declared_at,resolved_at
INC-1,Fine,SEV2,resolved,2026-01-05T10:00:00Z,2026-01-05T11:00:00Z
INC-2,,SEV9,resolved,2026-01-05T10:00:00Z,
42x,Bad key,SEV1,triggered,yesterday,
INC-1,Again,SEV3,triggered,2026-01-05T10:00:00Z,
INC-5,Early,SEV3,resolved,2026-01-05T10:00:00Z,2026-01-04T10:00:00Z
`)
	code, stdout, stderr := runCLI(t, lookup, "import", bad)
	if code != 1 {
		t.Fatalf("import = %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"line 3: title: required; severity: \"SEV9\" is not one of SEV1, SEV2, SEV3, SEV4; resolved_at: required for a resolved incident",
		"line 4: key: \"42x\" is not an incident key like INC-42; declared_at: \"yesterday\" is not a time",
		"line 5: key: INC-1 appears twice (first at line 2)",
		"line 6: resolved_at: before declared_at",
		"4 of 5 rows are wrong; nothing was imported",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, stdout, _ = runCLI(t, lookup, "export")
	if code != 0 || strings.Count(stdout, "\n") != 1 {
		t.Errorf("something was imported from a file with errors:\n%s", stdout)
	}
}

func TestDigestAndPostmortemCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	cfgFile := writeFile(t, "w.yaml", `digests:
  - channel: sre
    schedule: "CRON_TZ=Europe/Berlin 0 9 * * MON"
    period: 30d
calendar:
  time_zone: UTC
`)
	lookup := env("WARROOM_DB", db, "WARROOM_CONFIG", cfgFile)
	in := writeFile(t, "history.csv", historyCSV)
	if code, _, stderr := runCLI(t, lookup, "import", in); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI(t, lookup, "digest", "--period", "all", "--post", "--chart", filepath.Join(t.TempDir(), "c.png"))
	if code != 0 || !strings.Contains(stdout, "# Incident digest: all time") || !strings.Contains(stdout, "| SEV2 | 1 |") {
		t.Fatalf("digest = %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "queued for #sre") {
		t.Errorf("--post did not queue: %s", stderr)
	}
	code, stdout, stderr = runCLI(t, lookup, "postmortem", "INC-7")
	if code != 0 || !strings.Contains(stdout, "# Postmortem: INC-7 Checkout latency") || !strings.Contains(stdout, "| Time to resolve (MTTR) | 1h00m |") {
		t.Fatalf("postmortem = %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr = runCLI(t, lookup, "postmortem", "INC-99"); code != exitNotFound || !strings.Contains(stderr, "INC-99 does not exist") {
		t.Errorf("postmortem of a missing incident = %d %s", code, stderr)
	}
}

func TestInsightsConfigErrors(t *testing.T) {
	tmpl := writeFile(t, "pm.tmpl", `{{range 100000000}}x{{end}}`)
	for _, tc := range []struct{ yaml, want string }{
		{"digests:\n  - channel: sre\n    schedule: \"0 9 * *\"\n", "digests[0]: schedule:"},
		{"digests:\n  - schedule: \"@weekly\"\n", "digests[0]: channel: required"},
		{"digests:\n  - {channel: a, schedule: \"@daily\", sections: [pie]}\n", `digests[0]: sections: digest section "pie"`},
		{"digests:\n  - {channel: a, schedule: \"@daily\"}\n  - {channel: a, schedule: \"@weekly\"}\n", `digests[1].name: "a" is used twice`},
		{"postmortem:\n  template: " + tmpl + "\n", "postmortem.template: " + tmpl + ": line 1: range only over a field"},
		{"calendar:\n  time_zone: Mars/Base\n", "calendar.time_zone"},
		{"calendar:\n  holidays: [christmas]\n", "calendar.holidays[0]"},
		{"reminders:\n  remind_at: \"2\"\n", "reminders.remind_at"},
	} {
		f := writeFile(t, "c.yaml", tc.yaml)
		code, _, stderr := runCLI(t, env(), "config", "check", "--config", f)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: code %d, stderr %s\nwant %q", tc.yaml, code, stderr, tc.want)
		}
	}
}
