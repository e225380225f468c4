package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// warroom export writes the type and a column per custom field of the
// configuration, and severities under their configured names.
func TestExportWithCatalog(t *testing.T) {
	t.Cleanup(func() { _ = bot.SetSeverityLevels(nil); _ = bot.SetStatusLabels(nil) })
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	tk := testkit.NewService(t, testkit.WithPath(db), testkit.WithConfig(testkit.Catalog()))
	if _, err := tk.Svc.Declare(context.Background(), bot.DeclareInput{Title: "Keys leaked", Severity: bot.SEV1, Type: "security",
		Actor: "alice", Fields: map[string]string{"customer_impact": "all", "cost": "12.5"}}); err != nil {
		t.Fatal(err)
	}
	_ = tk.Store.Close()
	cfg := filepath.Join(dir, "w.yaml")
	yaml := `severity_names:
  sev1: {name: P1}
incident_types:
  - name: default
  - name: security
custom_fields:
  - {name: customer_impact, kind: select, options: [None, Some, All]}
  - {name: cost, kind: number}
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, env("WARROOM_DB", db, "WARROOM_CONFIG", cfg), "export", "--format", "csv")
	if code != exitOK {
		t.Fatalf("export = %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], ",type,field.customer_impact,field.cost") ||
		!strings.HasPrefix(lines[1], "INC-1,Keys leaked,P1,") || !strings.HasSuffix(lines[1], ",security,All,12.5") {
		t.Fatalf("export:\n%s", stdout)
	}
}
