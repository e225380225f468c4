package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// TestBinaryKilledMidCallDeliversOnce runs the built binary against the
// fake Slack, which does the work of a call (creates the channel, posts the
// card) and holds its answer; the test kills the process with SIGKILL
// while the call is in flight, starts it again on the same database, and
// finds one channel, one card and one announcement once the new process
// has taken the job over after its lease.
func TestBinaryKilledMidCallDeliversOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := warroomBinary(t)
	for _, c := range []struct{ name, method string }{
		{"conversations.create", "conversations.create"},
		{"card", "chat.postMessage"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := slacktest.New()
			t.Cleanup(fake.Close)
			fake.AddChannel("C0ANN", "incidents")
			fake.Join("C0ANN")
			fake.Inject(c.method, "", slacktest.WorkThenHang, 1)
			dir := t.TempDir()
			cfg := filepath.Join(dir, "warroom.yaml")
			if err := os.WriteFile(cfg, []byte("outbox:\n  lease: 3s\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"WARROOM_CONFIG=" + cfg, "SLACK_BOT_TOKEN=" + slacktest.Token, "SLACK_SIGNING_SECRET=secret",
				"SLACK_API_URL=" + fake.APIURL()}

			p := serveWith(t, bin, dir, env...)
			slashCommand(t, p.url, "secret", "declare sev2 Killed mid call")
			waitFor(t, 20*time.Second, func() bool { return fake.Held() > 0 }, "the call to be in flight")
			if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: nothing is recorded
				t.Fatal(err)
			}
			<-p.exited
			fake.Release()

			p = serveWith(t, bin, dir, env...)
			defer p.stop(t, shutdownLimit)
			waitFor(t, 30*time.Second, func() bool {
				return len(fake.Calls("pins.add")) > 0 && len(fake.Messages("C0ANN")) > 0
			}, "the card pinned and the incident announced")

			var mine []slacktest.Channel
			for _, ch := range fake.Channels() {
				if ch.Creator == slacktest.BotUserID {
					mine = append(mine, ch)
				}
			}
			if len(mine) != 1 {
				t.Fatalf("the bot created %d channels, want 1: %+v", len(mine), mine)
			}
			var cards int
			for _, m := range fake.Messages(mine[0].ID) {
				if strings.Contains(m.Text, "Killed mid call") {
					cards++
				}
			}
			if cards != 1 {
				t.Errorf("%d cards, want 1", cards)
			}
			if n := len(fake.Messages("C0ANN")); n != 1 {
				t.Errorf("%d announcements, want 1", n)
			}
		})
	}
}

// slashCommand sends /incident text to warroom at base, signed as Slack
// signs it.
func slashCommand(t *testing.T, base, secret, text string) {
	t.Helper()
	body := url.Values{"command": {"/incident"}, "text": {text}, "user_id": {"U0ALICE"}, "channel_id": {"C0GEN"}}.Encode()
	now := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("X-Slack-Signature", slack.Sign(secret, now, []byte(body)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/incident %s: %d", text, res.StatusCode)
	}
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}
