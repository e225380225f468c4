package config

import (
	"strings"
	"testing"
)

// TestPeopleAndSummaryChecked: the people map and the overdue summary's
// schedule are checked when the file is read, with the key named.
func TestPeopleAndSummaryChecked(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"good", "people:\n  - {email: dave@example.com, slack: U0DAVE01, discord: \"100000000000000044\"}\nreminders: {overdue_summary: \"CRON_TZ=Europe/Berlin 0 9 * * MON\"}\n", ""},
		{"not an e-mail", "people:\n  - {email: dave, slack: U0DAVE01}\n", `people: "dave" is not an e-mail address`},
		{"twice", "people:\n  - {email: dave@example.com}\n  - {email: Dave@example.com}\n", "dave@example.com is named twice"},
		{"not an id", "people:\n  - {email: dave@example.com, discord: dave}\n", `is not a chat user id`},
		{"bad cron", "reminders: {overdue_summary: \"every monday\"}\n", "reminders.overdue_summary"},
		{"route tickets", "routes:\n  - {name: db, match: [\"team=db\"], tickets: [jira, remedy]}\n", `tickets: "remedy" is not jira or servicenow`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeFile(t, "warroom.yaml", tc.yaml), env())
			if tc.want == "" {
				if err != nil || c.Insights.Reminders.Summary == nil || len(c.PeopleList()) != 1 {
					t.Fatalf("Load = %v; summary %v, people %v", err, c.Insights.Reminders.Summary, c.PeopleList())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want %q", err, tc.want)
			}
		})
	}
}
