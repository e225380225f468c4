package main

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

// TestSlackWiring: with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and
// SLACK_API_URL set, a signed /incident declare reaches the Service and its
// channel and card reach the (fake) Slack Web API through the outbox.
func TestSlackWiring(t *testing.T) {
	fake := slacktest.New()
	t.Cleanup(fake.Close)
	fake.AddChannel("C0ANN", "incidents")
	r := startApp(t, "SLACK_BOT_TOKEN", slacktest.Token, "SLACK_SIGNING_SECRET", "new-secret",
		"SLACK_SIGNING_SECRET_PREVIOUS", "old-secret", "SLACK_API_URL", fake.APIURL())
	body := url.Values{"command": {"/incident"}, "text": {"declare sev2 Wiring works"}, "user_id": {"U0ALICE"}, "channel_id": {"C0GEN"}}.Encode()
	now := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, r.url+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", slack.Sign("old-secret", now, []byte(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("signed command: %d", res.StatusCode)
	}
	testkit.Eventually(t, "the card is pinned and announced", func() bool {
		return len(fake.Calls("pins.add")) > 0 && len(fake.Messages("C0ANN")) > 0
	})
	if _, ok := fake.ChannelByName("inc-1-wiring-works"); !ok {
		t.Errorf("no incident channel; channels %+v", fake.Channels())
	}
}

// TestChatTargets: Slack is a chat target once SLACK_BOT_TOKEN is set.
func TestChatTargets(t *testing.T) {
	cfg, err := config.Load("", env("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_SIGNING_SECRET", "s"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(chatTargets(cfg), "slack") {
		t.Errorf("chat targets = %v, want slack among them", chatTargets(cfg))
	}
	if cfg, _ := config.Load("", env()); slices.Contains(chatTargets(cfg), "slack") {
		t.Errorf("chat targets without a Slack token = %v", chatTargets(cfg))
	}
}
