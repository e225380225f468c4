package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/history"
	"github.com/warroom/warroom/internal/testkit"
)

// TestBundleThroughTheCLI moves a history from one database to another
// with `warroom export --format bundle` and `warroom import`, and exports
// the audit since a date.
func TestBundleThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	clock := testkit.NewClock(testkit.Start.Add(250 * time.Millisecond))
	tk := testkit.NewService(t, testkit.WithPath(src), testkit.WithClock(clock))
	ctx := context.Background()
	var mid time.Time
	for i := range 3 {
		inc, err := tk.Svc.Declare(ctx, bot.DeclareInput{Title: "Disk full", Severity: bot.SEV2, Service: "db", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(90*time.Second + 123*time.Millisecond)
		if i == 1 {
			mid = clock.Now()
		}
		if _, err := tk.Svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := tk.Svc.Resolve(ctx, bot.Cause{}, inc.Number, "bob", "freed"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
	}
	if _, err := tk.Svc.Reopen(ctx, 2, "carol"); err != nil {
		t.Fatal(err)
	}
	_ = tk.Store.Close()

	bundle := filepath.Join(dir, "history.jsonl")
	code, stdout, stderr := runCLI(t, env("WARROOM_DB", src), "export", "--format", "bundle", "--output", bundle)
	if code != exitOK || stdout != "" || !strings.Contains(stderr, "rows (0 maintenance_window, 3 incident, ") {
		t.Fatalf("export bundle = %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("progress written to a pipe: %q", stderr)
	}
	before, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr = runCLI(t, env("WARROOM_DB", dst), "import", bundle)
	if code != exitOK || !strings.Contains(stdout, "from "+bundle+": 0 maintenance_window, 3 incident, ") {
		t.Fatalf("import bundle = %d\n%s\n%s", code, stdout, stderr)
	}
	code, after, stderr := runCLI(t, env("WARROOM_DB", dst), "export", "--format", "bundle")
	if code != exitOK || after != string(before) {
		t.Fatalf("export after import = %d %s\n%s\nwas\n%s", code, stderr, after, before)
	}
	// A database with history refuses a bundle, and stays as it was.
	code, _, stderr = runCLI(t, env("WARROOM_DB", dst), "import", "--format", "bundle", bundle)
	if code != exitError || !strings.Contains(stderr, "the database holds history already") {
		t.Errorf("second import = %d\n%s", code, stderr)
	}
	if _, again, _ := runCLI(t, env("WARROOM_DB", dst), "export", "--format", "bundle"); again != string(before) {
		t.Errorf("a refused import changed the database")
	}
	// The next incident continues after the imported keys.
	code, stdout, _ = runCLI(t, env("WARROOM_DB", dst), "export", "--format", "csv")
	if code != exitOK || strings.Count(stdout, "\n") != 4 || !strings.Contains(stdout, "INC-3,") {
		t.Errorf("row export after import:\n%s", stdout)
	}

	// The audit since a date, on both databases alike.
	for _, db := range []string{src, dst} {
		code, stdout, stderr = runCLI(t, env("WARROOM_DB", db), "export", "--audit", "--since", mid.Format(time.RFC3339Nano), "--format", "json")
		if code != exitOK {
			t.Fatalf("export --audit = %d %s", code, stderr)
		}
		var recs []map[string]any
		if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if len(recs) == 0 || !strings.Contains(stderr, "audit records") {
			t.Fatalf("audit since %s: %s\n%s", mid, stdout, stderr)
		}
		actions := map[string]bool{}
		for _, r := range recs {
			at, err := time.Parse(time.RFC3339Nano, r["at"].(string))
			if err != nil || at.Before(mid) {
				t.Errorf("record %v: before --since %s", r, mid)
			}
			actions[r["action"].(string)] = true
		}
		if !actions["reopen"] || recs[len(recs)-1]["actor"] != "carol" {
			t.Errorf("audit since %s lacks the reopening by carol: %v", mid, recs)
		}
	}
	code, _, stderr = runCLI(t, env("WARROOM_DB", src), "export", "--format", "bundle", "--since", "2026-01-01")
	if code != exitUsage || !strings.Contains(stderr, "a bundle holds the whole history") {
		t.Errorf("bundle --since = %d %s", code, stderr)
	}
}

// TestBundleThroughTheCLIToPostgres moves a bundle into PostgreSQL and
// reads it back through the read-only export.
func TestBundleThroughTheCLIToPostgres(t *testing.T) {
	dsn := testkit.PostgresSchema(t)
	bundle := writeFile(t, "small.jsonl", `{"format":"warroom-bundle","version":1}
{"incident":{"number":41,"title":"Disk full","source":"manual","severity":2,"status":"resolved","private":false,"started_at":"2026-01-05T09:59:59.999999Z","declared_at":"2026-01-05T10:00:00.5Z","resolved_at":"2026-01-05T10:30:00.25Z","updated_at":"2026-01-05T10:30:00.25Z","roles":{"commander":"alice"},"channels":{"slack":"C041"},"version":3}}
{"timeline_entry":{"id":7,"incident":41,"at":"2026-01-05T10:00:00.5Z","kind":"declared","actor":"alice","text":"declared"}}
{"audit_record":{"id":9,"at":"2026-01-05T10:00:00.5Z","actor":"token:ci","action":"declare","incident":41,"after":{"status":"triggered"}}}
{"end":{"action_item":0,"alert":0,"alert_group":0,"audit_record":1,"incident":1,"maintenance_window":0,"postmortem":0,"problem":0,"problem_action":0,"problem_link":0,"timeline_entry":1,"timer":0}}
`)
	if code, stdout, stderr := runCLI(t, env("WARROOM_DB", dsn), "import", bundle); code != exitOK || !strings.Contains(stdout, "imported 3 rows") {
		t.Fatalf("import = %d\n%s\n%s", code, stdout, stderr)
	}
	want, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if code, got, stderr := runCLI(t, env("WARROOM_DB", dsn), "export", "--format", "bundle"); code != exitOK || got != string(want) {
		t.Errorf("export = %d %s\n%s\nwant\n%s", code, stderr, got, want)
	}
	code, got, _ := runCLI(t, env("WARROOM_DB", dsn), "export", "--audit", "--format", "csv")
	if wantCSV := "id,at,actor,action,incident,before,after\n9,2026-01-05T10:00:00.5Z,token:ci,declare,INC-41,,\"{\"\"status\"\":\"\"triggered\"\"}\"\n"; code != exitOK || got != wantCSV {
		t.Errorf("audit csv = %d\n%q\nwant\n%q", code, got, wantCSV)
	}
}

func TestImportRefusesABadBundle(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	bad := writeFile(t, "cut.jsonl", `{"format":"warroom-bundle","version":1}
{"incident":{"number":1,"title":"A","source":"manual","severity":2,"status":"triggered","private":false,"started_at":"2026-01-05T10:00:00Z","declared_at":"2026-01-05T10:00:00Z","updated_at":"2026-01-05T10:00:00Z","version":1}}
`)
	code, _, stderr := runCLI(t, env("WARROOM_DB", db), "import", bad)
	if code != exitError || !strings.Contains(stderr, "cut.jsonl: the bundle ends at line 2 without its end line: it is truncated (nothing was imported)") {
		t.Fatalf("import = %d\n%s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, env("WARROOM_DB", db), "export", "--format", "json"); code != exitOK || stdout != "[\n]\n" {
		t.Errorf("a bad bundle imported something:\n%s", stdout)
	}
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := progressLine(&b, "import")
	p("imported", 1000, 4000, false)
	p("imported", 4000, 4000, true)
	if want := "\rwarroom import: 1000 of 4000 rows imported (25%)\x1b[K\rwarroom import: 4000 rows imported\x1b[K\n"; b.String() != want {
		t.Errorf("progress = %q, want %q", b.String(), want)
	}
	if (&cli{stderr: &b}).progress("export") != nil {
		t.Error("progress on a buffer (not a terminal)")
	}
	var _ history.Progress = p
}
