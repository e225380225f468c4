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
