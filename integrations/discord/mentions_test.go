package discord_test

import (
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
)

// TestMentionsNotify: a message's Discord mentions are written in its
// content and allowed, so they notify; a Slack id is left out, and text
// mentions nobody.
func TestMentionsNotify(t *testing.T) {
	const user, role = "123456789012345678", "223456789012345678"
	ms := discord.RenderPost(bot.Message{Title: "Escalation", Text: "<@999999999999999999> look",
		Mentions: []string{user, bot.ResponderRolePrefix + role, "U0SLACK"}}, false)
	if ms.Content != "<@"+user+"> <@&"+role+">" {
		t.Errorf("content %q", ms.Content)
	}
	am := ms.AllowedMentions
	if len(am.Parse) != 0 || !slices.Equal(am.Users, []string{user}) || !slices.Equal(am.Roles, []string{role}) {
		t.Errorf("allowed mentions %+v", am)
	}
	if plain := discord.Render(bot.Message{Text: "<@" + user + ">"}); plain.Content != "" || len(plain.AllowedMentions.Users) != 0 {
		t.Errorf("a message without mentions pings: %+v", plain)
	}
}
