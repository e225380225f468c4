package discord_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/discord/discordtest"
)

// TestInstall writes every command in one bulk overwrite of the guild's.
func TestInstall(t *testing.T) {
	fake := discordtest.New()
	t.Cleanup(fake.Close)
	n, err := discord.Install(context.Background(), discord.Config{BotToken: discordtest.Token, AppID: appID, APIURL: fake.APIURL()}, guildID)
	if err != nil || n != 4 {
		t.Fatalf("Install = %d, %v", n, err)
	}
	puts := 0
	for _, c := range fake.Calls() {
		if c.Method == "PUT" {
			puts++
		}
	}
	var cmds []struct {
		Name    string `json:"name"`
		Type    int    `json:"type"`
		Options []struct {
			Name string `json:"name"`
		} `json:"options"`
	}
	if err := json.Unmarshal(fake.Commands(guildID), &cmds); err != nil || puts != 1 {
		t.Fatalf("commands %s, %d PUTs: %v", fake.Commands(guildID), puts, err)
	}
	if cmds[0].Name != "incident" || len(cmds[0].Options) != 19 || cmds[1].Name != "oncall" || cmds[2].Name != "problem" || cmds[3].Name != "Add to timeline" || cmds[3].Type != 3 {
		t.Errorf("commands = %+v", cmds)
	}
}
