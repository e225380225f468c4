package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

// TestDecodeLaysMappingsOverDefaults: a mapping sets only the keys it
// names (a severity or a target left out keeps its default), a list
// replaces the default, and a section with no value keeps it.
func TestDecodeLaysMappingsOverDefaults(t *testing.T) {
	c := Default()
	err := c.applyFile([]byte("severities:\n  sev2: {update_cadence: 1h}\nescalation:\n  levels: [2]\nreminders:\npagerduty: {users: {}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := bot.DefaultSLAs()
	sla := want[bot.SEV2]
	sla.UpdateCadence = time.Hour
	want[bot.SEV2] = sla
	if diff := cmp.Diff(want, c.SLAs); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2}, c.Escalation.Levels); diff != "" || !c.Escalation.Enabled {
		t.Errorf("escalation = %+v", c.Escalation)
	}
	if c.Insights.Reminders.RemindAt != bot.DefaultRemindAt {
		t.Errorf("reminders with no value = %+v", c.Insights.Reminders)
	}
	if c.PagerDuty.Users == nil || len(c.PagerDuty.Users) != 0 {
		t.Errorf("pagerduty.users: {} = %#v, want an empty map", c.PagerDuty.Users)
	}
}

// TestDecodeErrorsNameTheKey: a value of the wrong type is refused with
// the path of its key, a map key too.
func TestDecodeErrorsNameTheKey(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"severities:\n  sev1: {acknowledge: 5m}\n  SEV1: {resolve: 1h}\n", "severities.SEV1: sev1 is already set as severities.sev1"},
		{"servicenow:\n  states: {fixed: 3}\n", `servicenow.states.fixed: "fixed" is not a warroom status (triggered, acknowledged`},
		{"jira:\n  priorities: {p1: Highest}\n", `jira.priorities.p1: "p1" is not one of sev1, sev2, sev3, sev4`},
		{"calendar:\n  workdays: [mon, funday]\n", `calendar.workdays[1]: "funday" is not a weekday like mon`},
		{"escalation:\n  enabled: perhaps\n", `escalation.enabled: "perhaps" is not true or false`},
		{"escalation:\n  levels: [one]\n", `escalation.levels[0]: want a whole number, got "one"`},
		{"outbox:\n  batch:\n", "outbox.batch: want a whole number, got nothing"},
		{"reminders:\n  remind_at: [0.5]\n", "reminders.remind_at: want a single value, got a list"},
		{"digests:\n  - channel: x\n    schedule: \"0 9 * * MON\"\n    period: forever\n", `digests[0].period: "forever" is not like 7d, 30d or all`},
		{"maintenance:\n  - name: x\n    end: later\n", `maintenance[0].end: "later" is not an RFC 3339 time`},
		{"routes:\n  - match: [\"=\"]\n", `routes[0].match[0]: "=" is not a label matcher`},
		{"jira:\n  custom_fields: {customfield_1: {value: x}}\n", "jira.custom_fields.customfield_1: want a single value, got a mapping"},
		{"slack: [a]\n", "slack: want a mapping of keys to values, got a list"},
	} {
		c := Default()
		err := c.applyFile([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.yaml, err, tc.want)
		}
	}
}

// TestDecodeReportsEveryBadValue: values of the wrong type are all
// reported at once.
func TestDecodeReportsEveryBadValue(t *testing.T) {
	c := Default()
	err := c.applyFile([]byte("ticket_threshold: sev9\noutbox: {lease: soon}\nroutes:\n  - auto_resolve: maybe\n"))
	for _, want := range []string{"ticket_threshold:", "outbox.lease:", "routes[0].auto_resolve:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "TRUE": true, "yes": true, "On": true, "1": true, "false": false, "no": false, "off": false, "0": false} {
		if got, err := parseBool(in); err != nil || got != want {
			t.Errorf("parseBool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseBool("maybe"); err == nil {
		t.Error("parseBool(maybe) accepted it")
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{"Acknowledge": "acknowledge", "UpdateCadence": "update_cadence", "PostmortemDue": "postmortem_due"} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}
