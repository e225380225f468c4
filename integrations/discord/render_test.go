package discord_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/internal/testkit"
)

func card(mut func(*bot.Incident)) bot.Message {
	inc := &bot.Incident{Number: 42, Title: "Checkout latency above SLO", Severity: bot.SEV2, Status: bot.StatusTriggered,
		Service: "checkout", StartedAt: time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC), Roles: map[string]string{},
		Links: map[string]bot.Link{bot.LinkRunbook: {ID: "runbook", URL: "https://runbooks.example.com/checkout"}}}
	if mut != nil {
		mut(inc)
	}
	return bot.Card(inc, "https://warroom.example.com")
}

// TestRenderGolden: the embeds and buttons of cards and messages.
func TestRenderGolden(t *testing.T) {
	cases := map[string]bot.Message{
		"card-triggered": card(nil),
		"card-acknowledged": card(func(i *bot.Incident) {
			i.Status, i.Severity = bot.StatusAcknowledged, bot.SEV1
			i.Roles["commander"] = "100000000000000002"
		}),
		"card-resolved": card(func(i *bot.Incident) { i.Status = bot.StatusResolved; i.Summary = "Replica promoted" }),
		"hostile": {Title: "@everyone [click](https://evil.example.com)", Text: "<@&1> @here [x](https://evil.example.com) <@123456789012345678>",
			Fields: []bot.Field{{Label: "Who", Value: "@everyone"}, {Label: "Link", Value: "see", Link: "javascript:alert(1)"}}},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(discord.Render(m), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
		})
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name+".golden.json"), got)
}

// TestRenderLimits: long text is cut on rune boundaries inside Discord's
// limits, and nothing is ever allowed to ping.
func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("é漢", 5000)
	m := bot.Message{Title: long, Text: long, Footer: long}
	for range 30 {
		m.Fields = append(m.Fields, bot.Field{Label: long, Value: long})
	}
	r := discord.Render(m)
	e := r.Embeds[0]
	total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text)
	for _, f := range e.Fields {
		total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		if utf8.RuneCountInString(f.Value) > 1024 || utf8.RuneCountInString(f.Name) > 256 || !utf8.ValidString(f.Value) {
			t.Errorf("field over the limit: %d/%d runes", utf8.RuneCountInString(f.Name), utf8.RuneCountInString(f.Value))
		}
	}
	if utf8.RuneCountInString(e.Title) > 256 || total > 6000 || len(e.Fields) > 25 || !utf8.ValidString(e.Description) {
		t.Errorf("embed over the limits: title %d, total %d, fields %d", utf8.RuneCountInString(e.Title), total, len(e.Fields))
	}
	if r.AllowedMentions == nil || r.AllowedMentions.Parse == nil || len(r.AllowedMentions.Parse) != 0 || len(r.AllowedMentions.Users)+len(r.AllowedMentions.Roles) != 0 {
		t.Errorf("allowed_mentions = %+v", r.AllowedMentions)
	}
}

// TestRenderPostImage: a post's first image attachment with a name an
// embed can point at is the embed's image; other attachments (a markdown
// draft, an image with a name Discord cannot address) are not.
func TestRenderPostImage(t *testing.T) {
	png := []byte("\x89PNG")
	for _, c := range []struct {
		name string
		att  []bot.Attachment
		want string
	}{
		{"chart", []bot.Attachment{{Name: "digest.png", ContentType: "image/png", Data: png}}, "attachment://digest.png"},
		{"markdown first", []bot.Attachment{{Name: "INC-1.md", ContentType: "text/markdown", Data: []byte("# x")},
			{Name: "chart.png", ContentType: "image/png", Data: png}}, "attachment://chart.png"},
		{"draft only", []bot.Attachment{{Name: "INC-1.md", ContentType: "text/markdown", Data: []byte("# x")}}, ""},
		{"unaddressable name", []bot.Attachment{{Name: "my chart.png", ContentType: "image/png", Data: png}}, ""},
		{"empty image", []bot.Attachment{{Name: "digest.png", ContentType: "image/png"}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := discord.RenderPost(bot.Message{Title: "Digest", Attachments: c.att}, true).Embeds[0]
			got := ""
			if e.Image != nil {
				got = e.Image.URL
			}
			if got != c.want {
				t.Errorf("image %q, want %q", got, c.want)
			}
		})
	}
}
