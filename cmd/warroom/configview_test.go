package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
	vt := reflect.TypeFor[viewEnv]()
	for i := range vt.NumField() {
		f := vt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if f.Type != reflect.TypeFor[Secret]() {
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
	c, err := LoadConfig(path, env(kv...))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)

	want := map[string]bool{}
	fileKeys("", reflect.TypeFor[fileConfig](), want)
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
	c, err := LoadConfig("", env())
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	root := documentRoot(t, out)
	shown := map[string]bool{}
	for i := 0; i < len(root.Content); i += 2 {
		shown[root.Content[i].Value] = true
	}
	ft := reflect.TypeFor[fileConfig]()
	for i := range ft.NumField() {
		key, _, _ := strings.Cut(ft.Field(i).Tag.Get("yaml"), ",")
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
