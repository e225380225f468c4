package slack

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestManifest keeps deploy/slack/manifest.yaml in step with the code: the
// request URLs, the shortcut and the events warroom handles, and only the
// scopes it needs.
func TestManifest(t *testing.T) {
	b, err := os.ReadFile("../../deploy/slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			Shortcuts []struct {
				CallbackID string `yaml:"callback_id"`
			} `yaml:"shortcuts"`
			SlashCommands []struct {
				Command, URL string
				ShouldEscape bool `yaml:"should_escape"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				URL       string   `yaml:"request_url"`
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				URL string `yaml:"request_url"`
			} `yaml:"interactivity"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Features.SlashCommands {
		if !strings.HasSuffix(c.URL, "/slack/commands") || !c.ShouldEscape {
			t.Errorf("slash command %s: url %q, should_escape %v", c.Command, c.URL, c.ShouldEscape)
		}
	}
	if !strings.HasSuffix(m.Settings.Events.URL, "/slack/events") || !strings.HasSuffix(m.Settings.Interactivity.URL, "/slack/interactions") {
		t.Errorf("request urls: %q, %q", m.Settings.Events.URL, m.Settings.Interactivity.URL)
	}
	if len(m.Features.Shortcuts) != 1 || m.Features.Shortcuts[0].CallbackID != shortcutDeclare {
		t.Errorf("shortcuts = %+v", m.Features.Shortcuts)
	}
	slices.Sort(m.Settings.Events.BotEvents)
	if !slices.Equal(m.Settings.Events.BotEvents, []string{"pin_added", "reaction_added"}) {
		t.Errorf("bot events = %v", m.Settings.Events.BotEvents)
	}
	want := []string{"channels:history", "channels:manage", "channels:read", "chat:write", "chat:write.public", "commands",
		"files:write", "groups:history", "groups:read", "groups:write", "pins:read", "pins:write", "reactions:read", "usergroups:read",
		"users:read", "users:read.email"}
	got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot))
	if !slices.Equal(got, want) {
		t.Errorf("scopes = %v, want exactly %v", got, want)
	}
}
