package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	_ "time/tzdata" // the insights golden file uses Europe/Berlin

	"github.com/warroom/warroom/internal/testkit"
)

// TestConfigCheckShowsEverySection: `warroom config check` prints every
// section and key of the file with its effective value, and every secret
// redacted, for the example with all its settings on and every secret set.
func TestConfigCheckShowsEverySection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(path, readFullExample(t), 0o600); err != nil {
		t.Fatal(err)
	}
	secrets := map[string]string{}
	var kv []string
	for _, ev := range variables(reflect.ValueOf(Default())) {
		name := ev.name
		if ev.value.Type() != reflect.TypeFor[Secret]() {
			continue
		}
		v := "s3cret-" + strings.ToLower(name)
		secrets[name] = v
		kv = append(kv, name, v)
	}
	secrets["PAGERDUTY_ROUTING_KEY_PAYMENTS"] = "s3cret-payments-key"
	kv = append(kv, "PAGERDUTY_ROUTING_KEY_PAYMENTS", "s3cret-payments-key",
		"JIRA_URL", "https://jira.example.com", "JIRA_USER", "bot@example.com", "JIRA_PROJECT", "OPS",
		"SERVICENOW_URL", "https://sn.example.com", "SERVICENOW_USER", "warroom", "SERVICENOW_CLIENT_ID", "client")
	c, err := Load(path, env(kv...))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.View()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)

	want := map[string]bool{}
	fileKeys("", reflect.TypeFor[Config](), want)
	delete(want, "maintenance[].duration") // shown as the window's end
	for _, k := range missingKeys(t, want, out) {
		t.Errorf("config check does not show %s", k)
	}

	for name, v := range secrets {
		if strings.Contains(text, v) {
			t.Errorf("config check shows the value of %s", name)
		}
		if !strings.Contains(text, name+": <redacted>") {
			t.Errorf("config check does not show %s as <redacted>", name)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", text)
	}
}

// TestConfigCheckDefaultsShowEverySection: with no file, every section of
// the file still appears, with its defaults.
func TestConfigCheckDefaultsShowEverySection(t *testing.T) {
	c, err := Load("", env())
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.View()
	if err != nil {
		t.Fatal(err)
	}
	root := documentRoot(t, out)
	shown := map[string]bool{}
	for i := 0; i < len(root.Content); i += 2 {
		shown[root.Content[i].Value] = true
	}
	_, keys := keyIndex(reflect.TypeFor[Config]())
	for _, key := range keys {
		if !shown[key] {
			t.Errorf("config check with defaults does not show %s", key)
		}
	}
	for _, want := range []string{"page_at: sev2", "triggered: declare", "oncall_cache: 1m", "interval: 15s", "max_queued: 20000", "remind_at: 0.8", "action_remind_every: 7d"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config check with defaults lacks %q:\n%s", want, out)
		}
	}
}

// TestViewGolden pins the format of `warroom config check`: the defaults,
// the example with every setting and secret, and one file per group of
// sections (testdata/view-NAME.yaml, read as warroom.yaml).
func TestViewGolden(t *testing.T) {
	full := []string{"PAGERDUTY_ROUTING_KEY_PAYMENTS", "s3cret-payments-key",
		"JIRA_URL", "https://jira.example.com", "JIRA_USER", "bot@example.com", "JIRA_PROJECT", "OPS",
		"SERVICENOW_URL", "https://sn.example.com", "SERVICENOW_USER", "warroom", "SERVICENOW_CLIENT_ID", "client"}
	for _, name := range secretVars() {
		if name != "WARROOM_DB" {
			full = append(full, name, "s3cret-"+strings.ToLower(name))
		}
	}
	for _, tc := range []struct {
		name string
		file []byte // nil: no file
		env  []string
	}{
		{name: "defaults"},
		{name: "full-example", file: readFullExample(t), env: full},
		{name: "routes"},
		{name: "paging", env: []string{"PAGERDUTY_ROUTING_KEY", "default-key", "PAGERDUTY_ROUTING_KEY_PAYMENTS", "payments-key"}},
		{name: "insights"},
		{name: "tickets", env: []string{"JIRA_URL", "https://jira.example.com", "JIRA_TOKEN", "pat", "JIRA_PROJECT", "OPS",
			"SERVICENOW_URL", "https://sn.example.com", "SERVICENOW_CLIENT_ID", "cid", "SERVICENOW_CLIENT_SECRET", "cs"}},
		{name: "receivers", env: []string{"GRAFANA_WEBHOOK_SECRET", "g", "AZURE_TENANT_ID", " t ", "AZURE_WEBHOOK_AUDIENCE", "api://w"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file
			if file == nil && tc.name != "defaults" {
				var err error
				if file, err = os.ReadFile(filepath.Join("testdata", "view-"+tc.name+".yaml")); err != nil {
					t.Fatal(err)
				}
			}
			path := ""
			if file != nil {
				path = writeFile(t, "warroom.yaml", string(file))
			}
			c, err := Load(path, env(tc.env...))
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.View()
			if err != nil {
				t.Fatal(err)
			}
			if path != "" {
				out = bytes.ReplaceAll(out, []byte(path), []byte("warroom.yaml"))
			}
			golden(t, "view-"+tc.name+".golden", out)
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), got)
}
