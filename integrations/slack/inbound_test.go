package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack"
)

// TestSignatureMatrix: every request that is not signed exactly right is a
// plain 401, stores nothing, and never echoes a signature.
func TestSignatureMatrix(t *testing.T) {
	s := newStack(t, options{})
	body := []byte(url.Values{"command": {"/incident"}, "text": {"declare sev1 Forged"}, "user_id": {"U0EVE"}, "channel_id": {"C1"}}.Encode())
	now := time.Now()
	good := slack.Sign(secret, now.Unix(), body)
	ts := strconv.FormatInt(now.Unix(), 10)
	cases := []struct {
		name string
		body []byte
		hdr  map[string][]string
	}{
		{"missing", body, map[string][]string{}},
		{"missing timestamp", body, map[string][]string{"X-Slack-Signature": {good}}},
		{"missing signature", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}}},
		{"stale 301s", body, sig(secret, now.Add(-301*time.Second), body)},
		{"future 301s", body, sig(secret, now.Add(301*time.Second), body)},
		{"wrong secret", body, sig("not-the-secret", now, body)},
		{"tampered body", append([]byte("x"), body...), sig(secret, now, body)},
		{"no prefix", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {strings.TrimPrefix(good, "v0=")}}},
		{"v1 prefix", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {"v1=" + strings.TrimPrefix(good, "v0=")}}},
		{"duplicate signature headers", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {good, good}}},
		{"duplicate timestamp headers", body, map[string][]string{"X-Slack-Request-Timestamp": {ts, ts}, "X-Slack-Signature": {good}}},
		{"non-hex", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {"v0=" + strings.Repeat("zz", 32)}}},
		{"short", body, map[string][]string{"X-Slack-Request-Timestamp": {ts}, "X-Slack-Signature": {good[:20]}}},
		{"timestamp not a number", body, map[string][]string{"X-Slack-Request-Timestamp": {ts + "x"}, "X-Slack-Signature": {good}}},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				r := signed(path, "application/x-www-form-urlencoded", c.body, now)
				r.Header.Del("X-Slack-Signature")
				r.Header.Del("X-Slack-Request-Timestamp")
				for k, vs := range c.hdr {
					for _, v := range vs {
						r.Header.Add(k, v)
					}
				}
				rec := s.do(r)
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401", rec.Code)
				}
				want := slack.Sign(secret, now.Unix(), c.body)
				if strings.Contains(rec.Body.String(), strings.TrimPrefix(want, "v0=")[:16]) || strings.Contains(rec.Body.String(), "v0=") {
					t.Errorf("401 body echoes a signature: %s", rec.Body)
				}
			})
		}
	}
	if incs, _ := s.svc.List(context.Background(), bot.IncidentFilter{}); len(incs) != 0 {
		t.Errorf("forged requests stored %d incidents", len(incs))
	}
	if n := len(s.fake.Calls("")); n != 1 { // auth.test at start
		t.Errorf("forged requests made %d Slack calls", n-1)
	}

	// Within the window, both the current and the previous secret pass.
	for _, sec := range []string{secret, oldSecret} {
		for _, at := range []time.Time{now.Add(-299 * time.Second), now.Add(299 * time.Second)} {
			r := signed("/slack/commands", "application/x-www-form-urlencoded", body, now)
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
			r.Header.Set("X-Slack-Signature", slack.Sign(sec, at.Unix(), body))
			if rec := s.do(r); rec.Code != http.StatusOK {
				t.Errorf("secret %q at %s: status %d", sec[:4], at.Sub(now), rec.Code)
			}
		}
	}
}

func sig(sec string, at time.Time, body []byte) map[string][]string {
	return map[string][]string{
		"X-Slack-Request-Timestamp": {strconv.FormatInt(at.Unix(), 10)},
		"X-Slack-Signature":         {slack.Sign(sec, at.Unix(), body)},
	}
}

func TestURLVerification(t *testing.T) {
	s := newStack(t, options{})
	rec := s.event(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, 0)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"`) {
		t.Errorf("url_verification: %d %s", rec.Code, rec.Body)
	}
}

// TestPinnedMessageOnce: a :pushpin: reaction delivered three times, and a
// pin of the same message, make one timeline entry with author, time and
// text fetched from Slack; the bot's own pins are ignored.
func TestPinnedMessageOnce(t *testing.T) {
	s := newStack(t, options{})
	s.command("U0ALICE", "C0GENERAL", "/incident declare API errors")
	s.drain()
	ch := s.channel(1)
	ts := s.fake.AddMessage(ch.ID, "U0CAROL", "Found it: <https://grafana.example/d/1|the 5xx panel> spikes at 10:02")
	reaction := fmt.Sprintf(`{"type":"event_callback","event_id":"Ev0PIN1","event_time":1700000000,
		"event":{"type":"reaction_added","user":"U0BOB","reaction":"pushpin","item":{"type":"message","channel":%q,"ts":%q},"event_ts":"1700000000.000100"}}`, ch.ID, ts)
	for i := range 3 {
		if rec := s.event(reaction, i); rec.Code != 200 {
			t.Fatalf("delivery %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	pin := fmt.Sprintf(`{"type":"event_callback","event_id":"Ev0PIN2","event":{"type":"pin_added","user":"U0DAVE","channel_id":%q,
		"item":{"type":"message","channel":%q,"message":{"type":"message","user":"U0CAROL","text":"Found it","ts":%q}}}}`, ch.ID, ch.ID, ts)
	if rec := s.event(pin, 0); rec.Code != 200 {
		t.Fatalf("pin_added: %d", rec.Code)
	}
	// The bot pinning its own card is not a timeline entry.
	card := s.messages(ch.ID)[0]
	own := fmt.Sprintf(`{"type":"event_callback","event_id":"Ev0PIN3","event":{"type":"pin_added","user":"UBOT","channel_id":%q,
		"item":{"type":"message","channel":%q,"message":{"type":"message","user":"UBOT","bot_id":"BBOT","text":"card","ts":%q}}}}`, ch.ID, ch.ID, card.TS)
	s.event(own, 0)
	// Another emoji, and a pushpin outside incident channels, change nothing.
	s.event(strings.Replace(strings.Replace(reaction, "pushpin", "eyes", 1), "Ev0PIN1", "Ev0X", 1), 0)
	s.event(strings.Replace(strings.Replace(reaction, ch.ID, "C0GENERAL", 1), "Ev0PIN1", "Ev0Y", 1), 0)

	entries, err := s.svc.Timeline(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var pins []bot.Entry
	for _, e := range entries {
		if e.Kind == bot.EntryMessagePinned {
			pins = append(pins, e)
		}
	}
	if len(pins) != 1 {
		t.Fatalf("%d pinned entries, want 1: %+v", len(pins), pins)
	}
	p := pins[0]
	if p.Actor != "U0BOB" || p.Data["author"] != "U0CAROL" || p.Text != "Found it: the 5xx panel (https://grafana.example/d/1) spikes at 10:02" || p.At.Unix() != mustUnix(ts) {
		t.Errorf("pinned entry = %+v", p)
	}
	if n := len(s.fake.Calls("conversations.history")); n < 1 {
		t.Errorf("message text was not fetched from Slack")
	}
}

func mustUnix(ts string) int64 {
	n, _ := strconv.ParseInt(strings.Split(ts, ".")[0], 10, 64)
	return n
}

// TestTitleIsPostedEscaped: a title carrying <!channel> reaches Slack as
// text, never as a broadcast.
func TestTitleIsPostedEscaped(t *testing.T) {
	s := newStack(t, options{})
	s.command("U0ALICE", "C0GENERAL", "/incident declare <!channel> <!here> wake up <https://evil.example|login>")
	s.drain()
	for _, m := range s.fake.Messages("") {
		for _, bad := range []string{"<!channel>", "<!here>", "<https://evil.example|login>"} {
			if strings.Contains(m.Text, bad) || strings.Contains(string(m.Blocks), bad) || strings.Contains(string(m.Blocks), strings.ReplaceAll(strings.ReplaceAll(bad, "<", `\u003c`), ">", `\u003e`)) {
				t.Errorf("message in %s carries %q: %s / %s", m.Channel, bad, m.Text, m.Blocks)
			}
		}
		if m.Channel == announceID && !strings.Contains(m.Text, "&lt;!channel&gt;") {
			t.Errorf("announcement text %q does not show the title escaped", m.Text)
		}
	}
}
