package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/internal/testkit"
)

// TestNamesNotIds: people read display names where warroom shows a chat
// user: the Slack card and the Discord card once the names are resolved
// (Slack users.info, Discord guild members, in the background: the first
// card shows the ids at once), the timeline command, and the people table
// keeps them for the replicas and the next start. Ids stay in the data.
func TestNamesNotIds(t *testing.T) {
	r, sfake, dfake := oncallApp(t, newPDREST(t))
	sfake.SetName("U0CAROL", "Carol Jones")
	dfake.AddMember("100000000000000044", discordtest.Member{Username: "dave", GlobalName: "Dave Miller"})
	ctx := context.Background()
	svc := r.app.svc
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	r.app.worker.Poke()
	names := svc.Names()
	names.Name("100000000000000044") // a Discord user shown somewhere
	testkit.Eventually(t, "both names resolved", func() bool {
		return names.Name("U0CAROL") == "Carol Jones" && names.Name("100000000000000044") == "Dave Miller"
	})
	if _, err := svc.AssignRole(ctx, inc.Number, "U0CAROL", "scribe", "100000000000000044"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "U0CAROL"); err != nil {
		t.Fatal(err)
	}
	r.app.worker.Poke()
	testkit.Eventually(t, "the Slack card names the commander", func() bool {
		ch, ok := sfake.ChannelByName("inc-1-checkout-down")
		if !ok {
			return false
		}
		for _, m := range sfake.Messages(ch.ID) {
			if strings.Contains(string(m.Blocks), "acknowledged") && strings.Contains(string(m.Blocks), "Carol Jones") {
				return true
			}
		}
		return false
	})
	testkit.Eventually(t, "the Discord card names the commander", func() bool {
		for _, th := range dfake.Threads("700000000000000010") {
			for _, m := range dfake.Messages(th.ID) {
				if strings.Contains(string(m.Embeds), "acknowledged") && strings.Contains(string(m.Embeds), "Carol Jones") {
					return true
				}
			}
		}
		return false
	})
	st, body := r.command(t, "timeline INC-1")
	var reply struct{ Text string }
	if err := json.Unmarshal([]byte(body), &reply); err != nil || st != 200 {
		t.Fatalf("timeline: %d %s", st, body)
	}
	if !strings.Contains(reply.Text, "Carol Jones  Dave Miller is now scribe") || strings.Contains(reply.Text, "U0CAROL") {
		t.Errorf("timeline:\n%s", reply.Text)
	}
	got, err := svc.Get(ctx, inc.Number)
	if err != nil || got.Commander() != "U0CAROL" {
		t.Errorf("the data keeps the id: %v %v", got.Commander(), err)
	}
	stored, err := r.app.store.PersonNames(ctx)
	if err != nil || len(stored) < 2 {
		t.Errorf("people table: %v %v", stored, err)
	}
}
