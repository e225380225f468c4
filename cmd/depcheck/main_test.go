package main

import (
	"strings"
	"testing"
)

const mod = "github.com/warroom/warroom"

func TestAllowed(t *testing.T) {
	for _, tc := range []struct {
		from, imp string
		ok        bool
	}{
		{"bot", "context", true},
		{"bot", "golang.org/x/text/unicode/norm", false},
		{"bot", mod + "/commands", false},
		{"bot/digest", mod + "/bot", true},
		{"bot/digest", "log/slog", true},
		{"bot/digest", mod + "/bot/postmortem", false},
		{"bot/digest", mod + "/engine/digests", false},
		{"bot", mod + "/engine/outbox", false},
		{"engine/outbox", mod + "/bot", true},
		{"engine/outbox", "log/slog", true},
		{"engine/digests", mod + "/bot/digest", true},
		{"engine/digests", mod + "/engine/schedule", true},
		{"engine/outbox", mod + "/commands", false},
		{"engine/outbox", mod + "/storage/sqlite", false},
		{"engine/schedule", mod + "/integrations/slack", false},
		{"commands", mod + "/engine/outbox", false},
		{"storage/sqlite", mod + "/engine/outbox", false},
		{"integrations/slack", mod + "/engine/outbox", false},
		{"integrations/jira", mod + "/engine/schedule", false},
		{"integrations/internal/ticket/tickettest", mod + "/engine/outbox", false},
		{"cmd/warroom", mod + "/engine/outbox", true},
		{"bot/digest", mod + "/bot/kpi", true},
		{"bot/kpi", mod + "/bot/digest", false},
		{"bot/kpi", "github.com/cenkalti/backoff/v5", false},
		{"commands", mod + "/bot", true},
		{"commands", mod + "/bot/kpi", true},
		{"commands", mod + "/storage/sqlite", false},
		{"commands", mod + "/integrations/slack", false},
		{"storage/sqlite", mod + "/bot", true},
		{"storage/sqlite", mod + "/storage/internal/sqlstore", true},
		{"storage/sqlite", "modernc.org/sqlite", true},
		{"storage/sqlite", mod + "/storage/postgres", false},
		{"storage/sqlite", mod + "/commands", false},
		{"storage/internal/sqlstore", mod + "/bot", true},
		{"integrations/slack", mod + "/commands", true},
		{"integrations/slack", mod + "/bot/digest", true},
		{"integrations/slack", mod + "/integrations/internal/webhook", true},
		{"integrations/slack", mod + "/internal/httpx", true},
		{"internal/httpx", mod + "/bot", true},
		{"internal/httpx", mod + "/commands", false},
		{"internal/httpx", mod + "/integrations/slack", false},
		{"integrations/internal/webhook", mod + "/internal/httpx", true},
		{"integrations/slack", mod + "/integrations/slack/blocks", true},
		{"integrations/slack", "github.com/slack-go/slack", true},
		{"integrations/slack", mod + "/integrations/console", false},
		{"integrations/slack", mod + "/storage/sqlite", false},
		{"integrations/internal/webhook", mod + "/bot", true},
		{"integrations/internal/webhook", mod + "/integrations/slack", false},
		{"config", mod + "/bot", true},
		{"config", mod + "/bot/outbox", true},
		{"config", mod + "/integrations/pagerduty", true},
		{"config", mod + "/internal/httpx", true},
		{"config", "go.yaml.in/yaml/v3", true},
		{"config", "net/url", true},
		{"config", mod + "/commands", false},
		{"config", mod + "/storage/sqlite", false},
		{"config", mod + "/cmd/warroom", false},
		{"cmd/warroom", mod + "/config", true},
		{"cmd/depcheck", mod + "/config", true},
		{"bot", mod + "/config", false},
		{"bot/digest", mod + "/config", false},
		{"commands", mod + "/config", false},
		{"storage/sqlite", mod + "/config", false},
		{"internal/httpx", mod + "/config", false},
		{"integrations/slack", mod + "/config", false},
		{"integrations/internal/webhook", mod + "/config", false},
		{"cmd/warroom", mod + "/storage/sqlite", true},
		{"integrations/api", mod + "/cmd/warroom", false},
		{"commands", mod + "/cmd/warroom", false},
		{"internal/testkit", mod + "/bot", true},
		{"internal/testkit", mod + "/engine/outbox", true},
		{"internal/testkit", mod + "/storage/sqlite", true},
		{"internal/testkit", mod + "/commands", true},
		{"internal/testkit", mod + "/storage/postgres", false},
		{"internal/testkit", mod + "/integrations/slack", false},
		{"internal/testkit", mod + "/config", false},
		{"integrations/slack/slacktest", mod + "/internal/testkit", true},
		{"storage/storetest", mod + "/internal/testkit", true},
		{"integrations/internal/ticket/tickettest", mod + "/internal/testkit", true},
		{"integrations/internal/webhooktest", mod + "/internal/testkit", true},
		{"integrations/slack", mod + "/internal/testkit", false},
		{"storage/sqlite", mod + "/internal/testkit", false},
		{"bot", mod + "/internal/testkit", false},
		{"engine/outbox", mod + "/internal/testkit", false},
		{"internal/httpx", mod + "/internal/testkit", false},
		{"cmd/warroom", mod + "/internal/testkit", false},
	} {
		why := allowed(mod, tc.from, tc.imp)
		if (why == "") != tc.ok {
			t.Errorf("%s → %s: allowed = %v (%q), want %v", tc.from, tc.imp, why == "", why, tc.ok)
		}
	}
}

func TestCheckTestImports(t *testing.T) {
	pkgs := []pkg{
		{ImportPath: mod + "/integrations/console", TestImports: []string{mod + "/storage/sqlite"}},
		{ImportPath: mod + "/commands", XTestImports: []string{mod + "/cmd/warroom"}},
		{ImportPath: mod + "/cmd/warroom", TestImports: []string{mod + "/config"}},
		{ImportPath: mod + "/integrations/slack", XTestImports: []string{mod + "/config"}},
	}
	got := check(mod, pkgs)
	if len(got) != 2 || !strings.Contains(got[0], "nothing imports cmd") || !strings.Contains(got[1], "only cmd imports config") {
		t.Errorf("check = %q, want two violations: a test importing cmd, one importing config", got)
	}
}

// TestModuleFollowsTheRule checks the real module.
func TestModuleFollowsTheRule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	pkgs, module, err := listPackages("../..")
	if err != nil {
		t.Fatal(err)
	}
	if module != mod {
		t.Fatalf("module = %q, want %q", module, mod)
	}
	for _, v := range check(module, pkgs) {
		t.Error(v)
	}
}

// TestTestkitOnlyInTests: any test may import the test kit; of the
// non-test code only the *test fakes may.
func TestTestkitOnlyInTests(t *testing.T) {
	kit := mod + "/internal/testkit"
	pkgs := []pkg{
		{ImportPath: mod + "/bot", XTestImports: []string{kit}},
		{ImportPath: mod + "/engine/outbox", XTestImports: []string{kit}},
		{ImportPath: mod + "/storage/storetest", Imports: []string{kit}},
		{ImportPath: mod + "/integrations/slack/slacktest", Imports: []string{kit}},
		{ImportPath: mod + "/integrations/slack", Imports: []string{kit}},
	}
	got := check(mod, pkgs)
	if len(got) != 1 || !strings.Contains(got[0], "integrations/slack imports") || !strings.Contains(got[0], "only tests and *test fake packages") {
		t.Errorf("check = %q, want one violation: integrations/slack importing the test kit", got)
	}
}
