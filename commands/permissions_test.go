package commands_test

import (
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// Configured permissions refuse the others and change nothing; the zero
// Permissions allow everyone (TestDeclareForms and the rest).
func TestPermissions(t *testing.T) {
	e := newEnv(t, commands.Config{Permissions: commands.Permissions{
		Declare:     map[bot.Severity][]string{bot.SEV1: {"@lead"}},
		Close:       []string{"lead"},
		EditTimes:   []string{"lead", "alice"},
		Maintenance: []string{"ops"},
	}})
	inc := e.must("declare sev2 Disk full --commander @alice")
	e.must(inc.Incident.Key() + " resolve")
	key := inc.Incident.Key()
	as := func(user, text string) error {
		_, err := e.r.Dispatch(e.ctx, commands.Request{Text: text, User: user, Platform: "slack"})
		return err
	}
	for _, c := range []struct {
		user, text string
	}{
		{"bob", "declare sev1 Everything down"},
		{"bob", key + " sev 1"},
		{"bob", key + " close"},
		{"bob", key + " status closed"},
		{"bob", key + " update --status closed Done here"},
		{"bob", key + " time started 10:00"},
		{"bob", "maintenance start 2h service=db"},
	} {
		t.Run(c.user+" "+c.text, func(t *testing.T) {
			before := e.snapshot()
			if err := as(c.user, c.text); bot.ErrorCode(err) != bot.CodeForbidden {
				t.Fatalf("%v, want forbidden", err)
			}
			e.unchanged(before)
		})
	}
	for _, c := range []struct{ user, text string }{
		{"bob", "declare sev2 Allowed"},
		{"lead", "declare sev1 Everything down"},
		{"lead", key + " close"},
	} {
		if err := as(c.user, c.text); err != nil {
			t.Errorf("%s %s: %v", c.user, c.text, err)
		}
	}
}
