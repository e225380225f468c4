package slack_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// TestDigestPostedWithChart: a digest job posts its message and uploads
// its chart in the named channel, once however often it is delivered.
func TestDigestPostedWithChart(t *testing.T) {
	s := newStack(t, options{})
	png := []byte("\x89PNG\r\n\x1a\nnot really a chart")
	payload, _ := json.Marshal(bot.DigestPayload{Channel: "#incidents", Schedule: "weekly", Message: bot.Message{
		Title: "Weekly digest", Text: "**3 incidents**, MTTA 4m <!channel>\n\n| Severity | Incidents |\n|---|---|\n| SEV1 | 3 |",
		Attachments: []bot.Attachment{{Name: "digest.png", ContentType: "image/png", Title: "Incidents by severity", Data: png}},
	}})
	h := s.app.Handlers()["slack.digest"]
	if h == nil {
		t.Fatal("no slack.digest handler")
	}
	for range 2 {
		if err := h(context.Background(), bot.Job{ID: 77, Kind: "slack.digest", Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := s.messages(announceID)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Weekly digest") {
		t.Fatalf("digest messages = %+v", msgs)
	}
	// The markdown is posted as mrkdwn: bold, a preformatted table, no ping.
	blocks := string(msgs[0].Blocks)
	for _, want := range []string{`*3 incidents*, MTTA 4m \u0026lt;!channel\u0026gt;`, "```\\nSeverity | Incidents\\n"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("digest blocks lack %s: %s", want, blocks)
		}
	}
	files := s.fake.Files()
	if len(files) != 1 || files[0].Channel != announceID || string(files[0].Data) != string(png) || files[0].Title != "Incidents by severity" {
		t.Errorf("files = %+v", files)
	}
}

// TestPostmortemDraftPostedAsFile: a post job carrying the draft (as the
// Service writes on resolve) posts the message and uploads the draft once;
// with drafts on, the timeline summary is not posted as well.
func TestPostmortemDraftPostedAsFile(t *testing.T) {
	s := newStack(t, options{drafts: true})
	declare(t, s, "Cache stampede")
	ch := s.channel(1)
	inc, _ := s.svc.Get(context.Background(), 1)
	draft := "# Postmortem: Cache stampede\n\n## Timeline\n\n- **10:00** [graph](https://grafana.example/d/1)\n"
	payload, _ := json.Marshal(bot.PostPayload{Message: bot.PostmortemMessage(inc, draft, "")})
	for range 2 {
		if err := s.app.Handlers()["slack.post"](context.Background(), bot.Job{ID: 900, Kind: "slack.post", Incident: 1, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	files := s.fake.Files()
	if len(files) != 1 || files[0].Name != "postmortem-inc-1.md" || files[0].Channel != ch.ID || string(files[0].Data) != draft {
		t.Fatalf("files = %+v", files)
	}
	var posted string
	for _, m := range s.messages(ch.ID) {
		if strings.Contains(m.Text, "Postmortem draft") {
			posted = string(m.Blocks)
		}
	}
	for _, want := range []string{`*Postmortem: Cache stampede*`, `*Timeline*`, `• *10:00* \u003chttps://grafana.example/d/1|graph\u003e`} {
		if !strings.Contains(posted, want) {
			t.Errorf("the draft post lacks %s: %s", want, posted)
		}
	}
	s.command("U0BOB", ch.ID, "/incident resolve TTLs jittered")
	s.drain()
	for _, m := range s.messages(ch.ID) {
		if strings.Contains(m.Text, "Timeline of INC-1") {
			t.Errorf("the timeline summary was posted although drafts are on")
		}
	}
}
