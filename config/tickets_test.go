package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/servicenow"
)

const ticketsYAML = `
ticket_threshold: sev3
jira:
  auth: bearer
  issue_type: Incident
  priorities: {sev1: Highest, sev2: High}
  labels: [incident, prod]
  custom_fields:
    customfield_10010: '{"value": "Production"}'
    customfield_10011: plain
  commander_field: customfield_10042
  transitions:
    acknowledged: [Start Progress]
    resolved: [Resolve Issue, Done]
  resolution: Fixed
  action_issue_type: Story
  action_done: [Close]
  link_type: Blocks
servicenow:
  auth: oauth_client_credentials
  severity:
    sev1: {impact: 1, urgency: 1}
    sev2: {impact: 2, urgency: 1}
  states: {monitoring: 3}
  hold_reason: "4"
  close_code: Workaround provided
  assignment_group: Network
  caller: warroom.bot
  category: software
  subcategory: outage
  cmdb_ci: checkout-api
  fields: {contact_type: monitoring}
`

func TestTicketsConfig(t *testing.T) {
	path := writeFile(t, "w.yaml", ticketsYAML)
	c, err := Load(path, env(
		"JIRA_URL", "https://jira.example.com", "JIRA_TOKEN", "pat", "JIRA_PROJECT", "OPS",
		"SERVICENOW_URL", "https://sn.example.com", "SERVICENOW_CLIENT_ID", "cid", "SERVICENOW_CLIENT_SECRET", "cs",
	))
	if err != nil {
		t.Fatal(err)
	}
	wantJira := Jira{
		Auth: "bearer", IssueType: "Incident", Priorities: map[bot.Severity]string{bot.SEV1: "Highest", bot.SEV2: "High"},
		Labels:         []string{"incident", "prod"},
		CustomFields:   map[string]any{"customfield_10010": map[string]any{"value": "Production"}, "customfield_10011": "plain"},
		CommanderField: "customfield_10042",
		Transitions: map[bot.Status][]string{
			bot.StatusAcknowledged: {"Start Progress"}, bot.StatusResolved: {"Resolve Issue", "Done"},
		},
		Resolution: "Fixed", ActionIssueType: "Story", ActionDone: []string{"Close"}, LinkType: "Blocks",
	}
	gotJira := c.Jira
	if gotJira.URL != "https://jira.example.com" || gotJira.Token.Reveal() != "pat" || gotJira.Project != "OPS" {
		t.Errorf("jira from the environment = %q %q %q", gotJira.URL, gotJira.Token.Reveal(), gotJira.Project)
	}
	gotJira.URL, gotJira.Token, gotJira.Project = "", Secret{}, ""
	if diff := cmp.Diff(wantJira, gotJira, cmp.AllowUnexported(Secret{})); diff != "" {
		t.Errorf("jira (-want +got):\n%s", diff)
	}
	sn := c.ServiceNow
	if sn.ClientID != "cid" || sn.ClientSecret.Reveal() != "cs" || sn.Auth != "oauth_client_credentials" {
		t.Errorf("servicenow auth = %q %q %q", sn.Auth, sn.ClientID, sn.ClientSecret.Reveal())
	}
	if diff := cmp.Diff(map[bot.Severity]servicenow.ImpactUrgency{bot.SEV1: {Impact: 1, Urgency: 1}, bot.SEV2: {Impact: 2, Urgency: 1}}, sn.Severity); diff != "" {
		t.Errorf("severity:\n%s", diff)
	}
	if sn.States[bot.StatusMonitoring] != 3 || sn.HoldReason != "4" || sn.CMDBCI != "checkout-api" || sn.Fields["contact_type"] != "monitoring" {
		t.Errorf("servicenow = %+v", sn)
	}
	if c.TicketThreshold != bot.SEV3 {
		t.Errorf("ticket_threshold = %v", c.TicketThreshold)
	}
	out, err := c.View()
	if err != nil {
		t.Fatal(err)
	}
	if s := string(out); strings.Contains(s, "cs\n") || !strings.Contains(s, "SERVICENOW_CLIENT_SECRET: <redacted>") || !strings.Contains(s, "commander_field: customfield_10042") {
		t.Errorf("config check output:\n%s", s)
	}
}

func TestTicketsConfigErrors(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		env        []string
		want       string
	}{
		{"bad status", "jira:\n  transitions: {fixed: [Done]}\n", nil, `jira.transitions.fixed: "fixed" is not a warroom status`},
		{"bad severity", "jira:\n  priorities: {p1: Highest}\n", nil, "jira.priorities.p1"},
		{"bad json", "jira:\n  custom_fields: {customfield_1: '{oops'}\n", nil, "jira.custom_fields.customfield_1: not valid JSON"},
		{"bad auth", "jira:\n  auth: oauth\n", nil, `jira.auth: "oauth" is not basic or bearer`},
		{"impact range", "servicenow:\n  severity: {sev1: {impact: 4, urgency: 1}}\n", nil, "servicenow.severity.sev1"},
		{"state", "servicenow:\n  states: {resolved: 8}\n", nil, "servicenow.states.resolved: 8"},
		{"priority", "servicenow:\n  fields: {priority: \"1\"}\n", nil, "servicenow.fields.priority"},
		{"jira token", "", []string{"JIRA_URL", "https://j.example.com", "JIRA_PROJECT", "OPS"}, "JIRA_TOKEN: required"},
		{"jira project", "", []string{"JIRA_URL", "https://j.example.com", "JIRA_TOKEN", "x"}, "JIRA_PROJECT: required"},
		{"sn password", "", []string{"SERVICENOW_URL", "https://s.example.com", "SERVICENOW_USER", "u"}, "SERVICENOW_PASSWORD: required"},
		{"sn oauth", "servicenow:\n  auth: oauth_password\n", []string{"SERVICENOW_URL", "https://s.example.com", "SERVICENOW_USER", "u", "SERVICENOW_PASSWORD", "p"}, "SERVICENOW_CLIENT_SECRET: required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := ""
			if c.yaml != "" {
				path = writeFile(t, "w.yaml", c.yaml)
			}
			_, err := Load(path, env(c.env...))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}
