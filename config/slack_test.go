package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSlackConfig(t *testing.T) {
	if _, err := Load("", env("SLACK_SIGNING_SECRET_PREVIOUS", "x")); err == nil || !strings.Contains(err.Error(), "SLACK_SIGNING_SECRET_PREVIOUS") {
		t.Errorf("previous secret alone: %v", err)
	}
	path := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(path, []byte("slack:\n  responders: [U024BE7LH, bob]\n  user_groups: [S0614TZR7]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, env()); err == nil || !strings.Contains(err.Error(), "slack.responders[1]") {
		t.Errorf("a name as responder: %v", err)
	}
	if err := os.WriteFile(path, []byte("slack:\n  responders: [U024BE7LH]\n  user_groups: [S0614TZR7]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.SlackOn() || len(cfg.Slack.Responders) != 1 || cfg.Slack.UserGroups[0] != "S0614TZR7" {
		t.Errorf("slack config = %+v", cfg.Slack)
	}
}
