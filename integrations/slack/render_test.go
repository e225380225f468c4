package slack_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/internal/testkit"
)

func incident() *bot.Incident {
	t0 := time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)
	return &bot.Incident{
		Number: 42, Title: "Checkout latency above SLO", Summary: "p99 of /checkout is 4 s since 10:00.",
		Service: "checkout", Source: "alertmanager", Severity: bot.SEV2, Status: bot.StatusTriggered,
		StartedAt: t0, DeclaredAt: t0, UpdatedAt: t0,
		Roles: map[string]string{"commander": "U024BE7LH"},
		Links: map[string]bot.Link{
			bot.LinkPagerDuty: {ID: "Q1W2E3", URL: "https://example.pagerduty.com/incidents/Q1W2E3"},
			bot.LinkJira:      {ID: "OPS-7", URL: "https://example.atlassian.net/browse/OPS-7"},
		},
	}
}

func TestRenderGolden(t *testing.T) {
	hostile := incident()
	hostile.Title = "<!channel> <@U999> & <https://evil.example|bank login> down"
	hostile.Summary = "ping <!here> and <!subteam^S123> " + strings.Repeat("é", 4000)
	hostile.Service = "<script>"
	hostile.Links = map[string]bot.Link{bot.LinkJira: {ID: "OPS-1>|x", URL: "javascript:alert(1)"}}
	resolved := incident()
	resolved.Status = bot.StatusResolved
	cases := []struct {
		name string
		msg  bot.Message
	}{
		{"card", bot.Card(incident(), "https://warroom.example.com")},
		{"card_hostile", bot.Card(hostile, "https://warroom.example.com")},
		{"card_resolved", bot.Card(resolved, "")},
		{"update", bot.Message{Title: "Update on INC-42: Checkout latency above SLO", Text: "Rolled back *deploy* 1234 & watching",
			Fields: []bot.Field{{Label: "Status", Value: "monitoring"}, {Label: "By", Value: "U024BE7LH"}}, Severity: bot.SEV2, Incident: 42}},
		{"plain", bot.Message{Text: "U024BE7LH is now commander of INC-42", Incident: 42}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blocks, fallback := slack.Render(c.msg)
			got, err := json.MarshalIndent(map[string]any{"text": fallback, "blocks": blocks}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			testkit.Golden(t, filepath.Join("testdata", c.name+".golden.json"), got)
		})
	}
}

// TestRenderNeverPings: no user text reaches Slack as a control sequence,
// and every text fits Slack's limits on rune boundaries.
func TestRenderNeverPings(t *testing.T) {
	inc := incident()
	inc.Title = "<!channel> " + strings.Repeat("😀", 300)
	inc.Summary = "<!here> <@U1> <https://x|y> " + strings.Repeat("ü&", 3000)
	inc.Roles = map[string]string{"commander": "<!everyone>"}
	inc.Service = "<@U1|admin>"
	inc.Links = map[string]bot.Link{bot.LinkJira: {ID: "<!here>", URL: "https://x.io/a|<!here>"}}
	blocks, fallback := slack.Render(bot.Card(inc, ""))
	b, _ := json.Marshal(blocks)
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	texts := append(strings_(tree), fallback)
	for _, bad := range []string{"<!channel>", "<!here>", "<@U1>", "<https://x|y>", "<!everyone>", "<@U1|admin>", "|<!here>"} {
		for _, s := range texts {
			if strings.Contains(s, bad) {
				t.Errorf("rendering keeps %q in %.80q", bad, s)
			}
		}
	}
	var parsed []struct {
		Type string `json:"type"`
		Text struct {
			Text string `json:"text"`
		} `json:"text"`
	}
	if err := json.Unmarshal(b, &parsed); err != nil {
		t.Fatal(err)
	}
	for _, p := range parsed {
		n := utf8.RuneCountInString(p.Text.Text)
		if !utf8.ValidString(p.Text.Text) || (p.Type == "header" && n > 150) || n > 3000 {
			t.Errorf("%s text of %d runes (valid %v)", p.Type, n, utf8.ValidString(p.Text.Text))
		}
		if strings.HasSuffix(strings.TrimSuffix(p.Text.Text, "…"), "&amp") {
			t.Errorf("%s text cut inside an entity", p.Type)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"<!channel>":            "&lt;!channel&gt;",
		"a & b":                 "a &amp; b",
		"<https://x.io|click>":  "&lt;https://x.io|click&gt;",
		"already &amp; escaped": "already &amp;amp; escaped",
	} {
		if got := slack.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// strings_ collects every string in a decoded JSON tree.
func strings_(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, strings_(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, strings_(e)...)
		}
		return out
	}
	return nil
}
