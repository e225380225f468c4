package sqlstore

import (
	"maps"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// The naming rule makes the domain's names today, and a channels column
// reads back as it was written whichever form it takes.
func TestChannelNamesRoundTrip(t *testing.T) {
	titles := []string{
		"Checkout latency above SLO", "  --DB 42: down!! ", "x", "Payments 50% (EU) / US-East",
		strings.Repeat("very long title ", 10), "Dépôt en panne", "Kelvin \u212a", "--", "42 42 42",
	}
	for _, title := range titles {
		for _, number := range []int64{1, 42, 4242424242} {
			inc := &bot.Incident{Number: number, Title: title}
			if isASCII(title) && ruleChannel("inc", number, title) != bot.ChannelName(inc) {
				t.Errorf("the rule names %d %q %q, the domain %q", number, title, ruleChannel("inc", number, title), bot.ChannelName(inc))
			}
			for _, channels := range []map[string]string{
				nil, {},
				{"console": bot.ChannelName(inc)},
				{"console": bot.ChannelName(inc), "slack": "sec" + bot.ChannelName(inc)[3:], "discord": "a-b-" + bot.ChannelName(inc)[4:]},
				{"console": bot.ChannelName(inc), "slack": "war-room"},
				{"Console": bot.ChannelName(inc)},
				{"console": "inc-4-2" + bot.ChannelName(inc)[3:]},
				{"a,b": bot.ChannelName(inc)},
			} {
				stored, err := storedChannels(channels, number, title)
				if err != nil {
					t.Fatal(err)
				}
				got, err := readChannels(stored, number, title)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(got, channels) || (got == nil) != (channels == nil) {
					t.Errorf("%d %q: %v stored as %q reads %v", number, title, channels, stored, got)
				}
			}
		}
	}
	if s, _ := storedChannels(map[string]string{"console": "inc-42-checkout-latency-above-slo"}, 42, "Checkout latency above SLO"); s != "@console" {
		t.Errorf("stored %q, want @console", s)
	}
}

// An entry's data reads back as it was written, in whichever form it is
// stored.
func TestEntryDataRoundTrip(t *testing.T) {
	for _, c := range []struct {
		kind string
		data map[string]string
		want string
	}{
		{"channel_linked", map[string]string{"platform": "console", "channel": "inc-1-db down"}, "@console inc-1-db down"},
		{"channel_linked", map[string]string{"platform": "my slack", "channel": "x"}, ""},
		{"channel_linked", map[string]string{"platform": "slack", "channel": ""}, ""},
		{"channel_linked", map[string]string{"platform": "slack", "channel": "x", "by": "y"}, ""},
		{"declared", map[string]string{"severity": "SEV3", "source": "alertmanager"}, "@SEV3 alertmanager"},
		{"declared", map[string]string{"severity": "SEV3", "source": "manual", "type": "security"}, ""},
		{"declared", map[string]string{"severity": "SEV3"}, ""},
		{"acknowledged", map[string]string{"old": "triggered", "new": "acknowledged"}, "@triggered"},
		{"resolved", map[string]string{"old": "acknowledged", "new": "resolved", "summary": "rolled back"}, "@acknowledged rolled back"},
		{"resolved", map[string]string{"old": "acknowledged", "new": "resolved", "summary": ""}, `@{"old":"acknowledged","summary":""}`},
		{"resolved", map[string]string{"old": "null", "new": "resolved"}, `@{"old":"null"}`},
		{"resolved", map[string]string{"old": "a b", "new": "resolved"}, `@{"old":"a b"}`},
		{"resolved", map[string]string{"new": "resolved"}, `@{}`},
		{"resolved", map[string]string{"old": "x", "new": "closed"}, ""},
		{"resolved", map[string]string{"old": "x", "new": "resolved", "by": "y"}, `@{"by":"y","old":"x"}`},
		{"resolved", nil, "null"},
		{"postmortem", map[string]string{"version": "12"}, "@12"},
		{"postmortem", map[string]string{"version": ""}, ""},
		{"postmortem", map[string]string{"version": "1", "by": "x"}, ""},
	} {
		stored, err := entryData(c.kind, c.data)
		if err != nil {
			t.Fatal(err)
		}
		if (c.want == "" && stored[0] != '{') || (c.want != "" && stored != c.want) {
			t.Errorf("%s %v stored as %q, want %q (JSON where empty)", c.kind, c.data, stored, c.want)
		}
		var got map[string]string
		if err := readEntryData(c.kind, stored, &got); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, c.data) || (got == nil) != (c.data == nil) {
			t.Errorf("%s %v stored as %q reads %v", c.kind, c.data, stored, got)
		}
	}
}
