package commands_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// A private incident through every chat read, for a member (dave, a role
// holder), a non-member (bob) and a private viewer (carol).
func TestPrivateVisibility(t *testing.T) {
	e := newEnv(t, commands.Config{Permissions: commands.Permissions{SeePrivate: []string{"@carol"}}})
	e.must("declare sev2 Public outage")
	secret := e.must("declare sev1 Secret merger --private").Incident
	e.must(secret.Key() + " role liaison @dave")
	e.must(secret.Key() + " action add Shred the memo @alice")
	as := func(user, text string) (commands.Reply, error) {
		return e.r.Dispatch(e.ctx, commands.Request{Text: text, User: user, Platform: "slack"})
	}
	key := secret.Key()
	reads := []string{"list", "list --all", key, key + " show", key + " timeline", key + " action list", "action list --open"}
	for _, who := range []struct {
		user string
		sees bool
	}{{"alice", true}, {"dave", true}, {"carol", true}, {"bob", false}, {"", false}} {
		for _, text := range reads {
			t.Run(who.user+"/"+text, func(t *testing.T) {
				before := e.snapshot()
				rep, err := as(who.user, text)
				e.unchanged(before)
				body := rep.Text
				if rep.Message != nil {
					body += rep.Message.Text + rep.Message.Title
				}
				leaked := strings.Contains(body, "Secret merger") || strings.Contains(body, "Shred the memo")
				if who.sees {
					if err != nil || !leaked && !strings.Contains(text, "list") {
						t.Fatalf("a member cannot see it: %v %q", err, body)
					}
					return
				}
				if leaked {
					t.Fatalf("leaked to a non-member: %q", body)
				}
				if strings.Contains(text, key) && bot.ErrorCode(err) != bot.CodeNotFound {
					t.Fatalf("by key: %v, want not found", err)
				}
			})
		}
	}
	// A non-member cannot act on it either, and learns nothing.
	before := e.snapshot()
	for _, text := range []string{key + " ack", key + " note hi", key + " role commander @bob", key + " resolve"} {
		if _, err := as("bob", text); bot.ErrorCode(err) != bot.CodeNotFound {
			t.Errorf("%s: %v, want not found", text, err)
		}
	}
	e.unchanged(before)
	// Its own people see it in the list.
	if rep, _ := as("dave", "list"); !strings.Contains(rep.Text, "Secret merger") || !strings.Contains(rep.Text, "Public outage") {
		t.Errorf("dave's list: %q", rep.Text)
	}
	if rep, _ := as("bob", "list"); strings.Contains(rep.Text, "Secret") || !strings.Contains(rep.Text, "Public outage") {
		t.Errorf("bob's list: %q", rep.Text)
	}
}
