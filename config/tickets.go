package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/servicenow"
)

// Jira is the Jira integration (on when JIRA_URL is set): connection and
// secrets from the environment, and the jira section of the file. Fields
// are named as jira.Config names them (Priorities is its Priority).
//
//	jira:
//	  auth: basic                 # basic (Cloud: email + API token) or bearer (Server/DC personal access token)
//	  issue_type: Task            # the default; a service project may use Incident
//	  priorities: {sev1: Highest, sev2: High, sev3: Medium, sev4: Low}
//	  labels: [incident]
//	  custom_fields:              # set on create; a value starting with { or [ is sent as JSON
//	    customfield_10010: '{"value": "Production"}'
//	  commander_field: customfield_10042
//	  field_map:                  # custom field (or type) → Jira text field, kept in step
//	    customer_impact: customfield_10050
//	  transitions:                # per warroom status, names of transitions (or target statuses), in order
//	    acknowledged: [Start Progress, In Progress]
//	    resolved: [Resolve Issue, Done]
//	  resolution: Done            # sent with the resolve/close transition when its screen has the field
//	  action_issue_type: Task
//	  problem_issue_type: Problem  # keep warroom's problems as issues of this type
//	  action_done: [Done]
//	  link_type: Relates
type Jira struct {
	URL           string `env:"JIRA_URL"`
	User          string `env:"JIRA_USER"`
	Token         Secret `env:"JIRA_TOKEN"`
	Project       string `env:"JIRA_PROJECT"`
	WebhookSecret Secret `env:"JIRA_WEBHOOK_SECRET"`

	Auth            string                  `yaml:"auth"`
	IssueType       string                  `yaml:"issue_type,omitempty"`
	Priorities      map[bot.Severity]string `yaml:"priorities,omitempty"`
	Labels          []string                `yaml:"labels,omitempty"`
	CustomFields    map[string]any          `yaml:"custom_fields,omitempty"`
	CommanderField  string                  `yaml:"commander_field,omitempty"`
	FieldMap        map[string]string       `yaml:"field_map,omitempty"` // custom field (or type) → Jira field id
	Transitions     map[bot.Status][]string `yaml:"transitions,omitempty"`
	Resolution      string                  `yaml:"resolution,omitempty"`
	ActionIssueType string                  `yaml:"action_issue_type,omitempty"`
	// ProblemIssueType keeps warroom's problems as issues of this type; "": not.
	ProblemIssueType string   `yaml:"problem_issue_type"`
	ActionDone       []string `yaml:"action_done,omitempty"`
	LinkType         string   `yaml:"link_type,omitempty"`
}

// fill takes Jira's default auth mode, which depends on JIRA_USER: it runs
// after the environment.
func (j *Jira) fill() {
	if j.Auth == "" {
		j.Auth = jira.DefaultAuth(j.User)
	}
}

func (j *Jira) check() []error {
	var errs []error
	if j.Auth != "" && j.Auth != jira.AuthBasic && j.Auth != jira.AuthBearer {
		errs = append(errs, fmt.Errorf("jira.auth: %q is not basic or bearer", j.Auth))
	}
	for _, l := range j.Labels {
		if l == "" || strings.ContainsFunc(l, isSpaceOrControl) {
			errs = append(errs, fmt.Errorf("jira.labels: %q is not a Jira label (one word)", l))
		}
	}
	return errs
}

// validate reports what is missing when JIRA_URL turns Jira on.
func (j *Jira) validate() []error {
	if j.URL == "" {
		return nil
	}
	var errs []error
	if !j.Token.IsSet() {
		errs = append(errs, fmt.Errorf("JIRA_TOKEN: required when JIRA_URL is set"))
	}
	if j.Project == "" {
		errs = append(errs, fmt.Errorf("JIRA_PROJECT: required when JIRA_URL is set (a project key such as OPS)"))
	}
	if j.Auth == jira.AuthBasic && j.User == "" {
		errs = append(errs, fmt.Errorf("JIRA_USER: required with jira.auth basic (the account's email on Jira Cloud)"))
	}
	return errs
}

// ServiceNow is the ServiceNow integration (on when SERVICENOW_URL is
// set): connection, secrets and the OAuth client from the environment, and
// the servicenow section of the file. Fields are named as servicenow.Config
// names them.
//
//	servicenow:
//	  auth: basic                 # basic, oauth_password or oauth_client_credentials
//	  severity:                   # impact and urgency 1-3; priority is computed by the instance
//	    sev1: {impact: 1, urgency: 1}
//	  states: {monitoring: 3}     # warroom status → incident state (1, 2, 3, 6, 7)
//	  hold_reason: "4"            # with state 3 (On Hold)
//	  close_code: Solution provided
//	  assignment_group: Network   # sys_id or name
//	  caller: warroom.bot
//	  category: software
//	  subcategory: ""
//	  cmdb_ci: checkout-api
//	  problems: true              # keep warroom's problems in the problem table
//	  fields: {contact_type: monitoring}
//	  field_map: {customer_impact: u_customer_impact}  # custom field (or type) → column, kept in step
type ServiceNow struct {
	URL          string `env:"SERVICENOW_URL"`
	User         string `env:"SERVICENOW_USER"`
	Password     Secret `env:"SERVICENOW_PASSWORD"`
	ClientID     string `env:"SERVICENOW_CLIENT_ID"`
	ClientSecret Secret `env:"SERVICENOW_CLIENT_SECRET"`

	Auth            string                                    `yaml:"auth"`
	Severity        map[bot.Severity]servicenow.ImpactUrgency `yaml:"severity,omitempty"`
	States          map[bot.Status]int                        `yaml:"states,omitempty"`
	HoldReason      string                                    `yaml:"hold_reason,omitempty"`
	CloseCode       string                                    `yaml:"close_code,omitempty"`
	AssignmentGroup string                                    `yaml:"assignment_group,omitempty"`
	Caller          string                                    `yaml:"caller,omitempty"`
	Category        string                                    `yaml:"category,omitempty"`
	Subcategory     string                                    `yaml:"subcategory,omitempty"`
	CMDBCI          string                                    `yaml:"cmdb_ci,omitempty"`
	Fields          map[string]string                         `yaml:"fields,omitempty"`
	FieldMap        map[string]string                         `yaml:"field_map,omitempty"` // custom field (or type) → incident column
	// Problems keeps warroom's problems in the problem table too.
	Problems bool `yaml:"problems"`
}

func (s *ServiceNow) fill() {
	if s.Auth == "" {
		s.Auth = servicenow.DefaultAuth
	}
}

func (s *ServiceNow) check() []error {
	var errs []error
	switch s.Auth {
	case "", servicenow.AuthBasic, servicenow.AuthPassword, servicenow.AuthClientCredentials:
	default:
		errs = append(errs, fmt.Errorf("servicenow.auth: %q is not basic, oauth_password or oauth_client_credentials", s.Auth))
	}
	for _, sev := range slices.Sorted(maps.Keys(s.Severity)) {
		if iu := s.Severity[sev]; iu.Impact < 1 || iu.Impact > 3 || iu.Urgency < 1 || iu.Urgency > 3 {
			errs = append(errs, fmt.Errorf("servicenow.severity.%s: set impact and urgency, each 1 (high) to 3 (low)", sevKey(sev)))
		}
	}
	for _, st := range slices.Sorted(maps.Keys(s.States)) {
		switch v := s.States[st]; v {
		case 1, 2, 3, 6, 7:
		default:
			errs = append(errs, fmt.Errorf("servicenow.states.%s: %d is not one of 1 (New), 2 (In Progress), 3 (On Hold), 6 (Resolved), 7 (Closed)", st, v))
		}
	}
	if _, ok := s.Fields["priority"]; ok {
		errs = append(errs, fmt.Errorf("servicenow.fields.priority: the instance computes priority from impact and urgency; set servicenow.severity instead"))
	}
	return errs
}

// validate reports what is missing when SERVICENOW_URL turns ServiceNow on.
func (s *ServiceNow) validate() []error {
	if s.URL == "" {
		return nil
	}
	var errs []error
	if (s.Auth == servicenow.AuthBasic || s.Auth == servicenow.AuthPassword) && (s.User == "" || !s.Password.IsSet()) {
		errs = append(errs, fmt.Errorf("SERVICENOW_USER and SERVICENOW_PASSWORD: required when SERVICENOW_URL is set (with servicenow.auth %s)", s.Auth))
	}
	if strings.HasPrefix(s.Auth, "oauth") && (s.ClientID == "" || !s.ClientSecret.IsSet()) {
		errs = append(errs, fmt.Errorf("SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET: required with servicenow.auth %s", s.Auth))
	}
	return errs
}
