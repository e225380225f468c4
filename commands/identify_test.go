package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// A chat user known by e-mail is the same person for permissions and
// private incidents as that e-mail address elsewhere (a console sign-in).
func TestIdentifiedByEmail(t *testing.T) {
	emails := map[string]string{"U0ALICE": "alice@example.com", "U0BOB": "bob@example.com"}
	e := newEnv(t, commands.Config{
		Permissions: commands.Permissions{Close: []string{"alice@example.com"}},
		Identify: func(_ context.Context, platform, user string) string {
			if platform != "slack" {
				return ""
			}
			return emails[user]
		},
	})
	// alice signed in to the console by e-mail declares a private incident
	inc, err := e.r.Dispatch(e.ctx, commands.Request{Text: "declare sev2 Secret --private", User: "alice@example.com", Platform: "console"})
	if err != nil {
		t.Fatal(err)
	}
	key := inc.Incident.Key()
	as := func(user, text string) (commands.Reply, error) {
		return e.r.Dispatch(e.ctx, commands.Request{Text: text, User: user, Platform: "slack"})
	}
	if rep, err := as("U0ALICE", "list"); err != nil || !strings.Contains(rep.Text, "Secret") {
		t.Fatalf("alice on Slack does not see her incident: %v %q", err, rep.Text)
	}
	if rep, _ := as("U0BOB", "list"); strings.Contains(rep.Text, "Secret") {
		t.Fatalf("bob sees it: %q", rep.Text)
	}
	if _, err := e.r.Dispatch(e.ctx, commands.Request{Text: key + " resolve", User: "alice@example.com", Platform: "console"}); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	if _, err := as("U0BOB", key+" close"); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Fatalf("bob closes: %v", err)
	}
	e.unchanged(before)
	if _, err := as("U0ALICE", key+" close"); err != nil {
		t.Fatalf("alice on Slack closes: %v", err)
	}
}
