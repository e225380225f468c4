package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

// TestBothPlatforms: with Slack and Discord configured, an incident
// declared in Slack gets a Slack channel and a Discord forum post, and an
// Acknowledge clicked in Discord shows on both cards.
func TestBothPlatforms(t *testing.T) {
	sfake := slacktest.New()
	t.Cleanup(sfake.Close)
	sfake.AddChannel("C0ANN", "incidents")
	dfake := discordtest.New()
	t.Cleanup(dfake.Close)
	dfake.AddChannel("700000000000000010", "incidents", 15)
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	file := filepath.Join(t.TempDir(), "warroom.yaml")
	if err := os.WriteFile(file, []byte("discord:\n  guild: \"700000000000000001\"\n  forum_channel: \"700000000000000010\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startApp(t, "WARROOM_CONFIG", file,
		"SLACK_BOT_TOKEN", slacktest.Token, "SLACK_SIGNING_SECRET", "s", "SLACK_API_URL", sfake.APIURL(),
		"DISCORD_BOT_TOKEN", discordtest.Token, "DISCORD_PUBLIC_KEY", hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
		"DISCORD_APP_ID", "800000000000000001", "DISCORD_API_URL", dfake.APIURL())

	body := url.Values{"command": {"/incident"}, "text": {"declare sev2 Both at once"}, "user_id": {"U0ALICE"}, "channel_id": {"C0GEN"}}.Encode()
	now := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, r.url+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", slack.Sign("s", now, []byte(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	var room string
	// Both cards posted before the click: a card first posted after it
	// shows the acknowledgement without an edit.
	testkit.Eventually(t, "a Slack channel and a Discord post, each with its card", func() bool {
		posts := dfake.Threads("700000000000000010")
		ch, ok := sfake.ChannelByName("inc-1-both-at-once")
		if len(posts) == 1 && ok && len(sfake.Messages(ch.ID)) > 0 && len(dfake.Messages(posts[0].ID)) > 0 {
			room = posts[0].ID
			return true
		}
		return false
	})

	// Acknowledge, clicked in Discord.
	in, _ := json.Marshal(map[string]any{"id": "500000000000000001", "application_id": "800000000000000001", "type": 3, "token": "tok",
		"channel_id": room, "member": map[string]any{"user": map[string]any{"id": "100000000000000002"}},
		"data": map[string]any{"custom_id": "warroom|ack INC-1", "component_type": 2}})
	ts := time.Now().Unix()
	req, _ = http.NewRequest(http.MethodPost, r.url+"/discord/interactions", bytes.NewReader(in))
	req.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Signature-Ed25519", discord.Sign(priv, ts, in))
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("click: %d", res.StatusCode)
	}
	testkit.Eventually(t, "both cards edited", func() bool {
		ch, _ := sfake.ChannelByName("inc-1-both-at-once")
		sm, dm := sfake.Messages(ch.ID), dfake.Messages(room)
		return len(sm) > 0 && sm[0].Edits > 0 && strings.Contains(string(sm[0].Blocks), "acknowledged") &&
			len(dm) > 0 && dm[0].Edits > 0 && strings.Contains(string(dm[0].Embeds), "acknowledged")
	})
}
