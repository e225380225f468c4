package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/pagerduty"
)

func TestPagingConfig(t *testing.T) {
	path := writeFile(t, "warroom.yaml", `
pagerduty:
  page_at: sev1
  from: bot@example.com
  triggered: link
  services: {payments: PAGERDUTY_ROUTING_KEY_PAYMENTS}
  user_service: PSVC001
  users: {alice: alice@example.com}
  schedules: {primary: PSCHED1}
  oncall_cache: 2m
escalation:
  enabled: true
  levels: [1, 3]
  mention: ["@sre-oncall"]
  interval: 30s
`)
	c, err := Load(path, env("PAGERDUTY_ROUTING_KEY", "default-key", "PAGERDUTY_ROUTING_KEY_PAYMENTS", "payments-key"))
	if err != nil {
		t.Fatal(err)
	}
	p := c.PagerDuty
	if p.PageAt != bot.SEV1 || p.From != "bot@example.com" || p.Triggered != "link" || p.UserService != "PSVC001" ||
		p.OnCallCache != 2*time.Minute || p.ServiceKeys["payments"].Reveal() != "payments-key" ||
		p.Users["alice"] != "alice@example.com" || p.Schedules["primary"] != "PSCHED1" {
		t.Errorf("paging %+v", p)
	}
	want := Escalation{Enabled: true, Levels: []int{1, 3}, Mention: []string{"@sre-oncall"}, Interval: 30 * time.Second}
	if diff := cmp.Diff(want, c.Escalation); diff != "" {
		t.Errorf("escalation (-want +got):\n%s", diff)
	}
}

func TestPagingConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		env        []string
		want       string
	}{
		{"bad severity", "pagerduty: {page_at: sev9}\n", nil, "pagerduty.page_at"},
		{"service names another secret", "pagerduty: {services: {x: WARROOM_DB}}\n", nil, "pagerduty.services.x: name the environment variable"},
		{"service key unset", "pagerduty: {services: {x: PAGERDUTY_ROUTING_KEY_X}}\n", nil, "set PAGERDUTY_ROUTING_KEY_X"},
		{"triggered", "pagerduty: {triggered: maybe}\n", nil, "pagerduty.triggered"},
		{"levels not increasing", "escalation: {levels: [2, 1]}\n", nil, "escalation.levels[1]"},
		{"enabled", "escalation: {enabled: perhaps}\n", nil, "escalation.enabled"},
		{"interval", "escalation: {interval: 10h}\n", nil, "escalation.interval"},
		{"routing key in the file", "pagerduty: {routing_key: s3cret}\n", nil, "set PAGERDUTY_ROUTING_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "w.yaml", tc.yaml), env(tc.env...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Error("the error shows the secret")
			}
		})
	}
}

// TestPagingDefaults: what PagerDuty and the scheduler would take for a
// zero is filled in from their packages, and escalation turns off.
func TestPagingDefaults(t *testing.T) {
	c, err := Load(writeFile(t, "w.yaml", "escalation: {enabled: false}\npagerduty: {oncall_cache: 0}\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	if c.Escalation.Enabled {
		t.Error("escalation.enabled: false left escalation on")
	}
	want := Escalation{Levels: bot.DefaultEscalationLevels, Mention: nil, Interval: bot.DefaultCheckInterval}
	if diff := cmp.Diff(want, c.Escalation); diff != "" {
		t.Errorf("escalation (-want +got):\n%s", diff)
	}
	p := c.PagerDuty
	if p.PageAt != bot.DefaultPageAt || p.Triggered != pagerduty.TriggeredDeclare || p.OnCallCache != pagerduty.DefaultCacheTTL {
		t.Errorf("pagerduty defaults: page_at %v, triggered %q, oncall_cache %s", p.PageAt, p.Triggered, p.OnCallCache)
	}
}
