package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// fileJira is the jira section of the YAML file. Connection and secrets
// stay in the environment (JIRA_URL, JIRA_USER, JIRA_TOKEN, JIRA_PROJECT,
// JIRA_WEBHOOK_SECRET).
//
//	jira:
//	  auth: basic                 # basic (Cloud: email + API token) or bearer (Server/DC personal access token)
//	  issue_type: Incident
//	  priorities: {sev1: Highest, sev2: High, sev3: Medium, sev4: Low}
//	  labels: [incident]
//	  custom_fields:              # set on create; a value starting with { or [ is sent as JSON
//	    customfield_10010: '{"value": "Production"}'
//	  commander_field: customfield_10042
//	  transitions:                # per warroom status, names of transitions (or target statuses), in order
//	    acknowledged: [Start Progress, In Progress]
//	    resolved: [Resolve Issue, Done]
//	    closed: [Close Issue, Done]
//	  resolution: Done            # sent with the resolve/close transition when its screen has the field
//	  action_issue_type: Task
//	  action_done: [Done]
//	  link_type: Relates
type fileJira struct {
	Auth            *string             `yaml:"auth"`
	IssueType       *string             `yaml:"issue_type"`
	Priorities      map[string]string   `yaml:"priorities"`
	Labels          []string            `yaml:"labels"`
	CustomFields    map[string]string   `yaml:"custom_fields"`
	CommanderField  *string             `yaml:"commander_field"`
	Transitions     map[string][]string `yaml:"transitions"`
	Resolution      *string             `yaml:"resolution"`
	ActionIssueType *string             `yaml:"action_issue_type"`
	ActionDone      []string            `yaml:"action_done"`
	LinkType        *string             `yaml:"link_type"`
}

// fileServiceNow is the servicenow section. Connection and secrets stay in
// the environment (SERVICENOW_URL, SERVICENOW_USER, SERVICENOW_PASSWORD,
// SERVICENOW_CLIENT_ID, SERVICENOW_CLIENT_SECRET).
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
//	  fields: {contact_type: monitoring}
type fileServiceNow struct {
	Auth            *string               `yaml:"auth"`
	Severity        map[string]fileImpact `yaml:"severity"`
	States          map[string]int        `yaml:"states"`
	HoldReason      *string               `yaml:"hold_reason"`
	CloseCode       *string               `yaml:"close_code"`
	AssignmentGroup *string               `yaml:"assignment_group"`
	Caller          *string               `yaml:"caller"`
	Category        *string               `yaml:"category"`
	Subcategory     *string               `yaml:"subcategory"`
	CMDBCI          *string               `yaml:"cmdb_ci"`
	Fields          map[string]string     `yaml:"fields"`
}

type fileImpact struct {
	Impact  *int `yaml:"impact"`
	Urgency *int `yaml:"urgency"`
}

// JiraOptions are the jira section's settings.
type JiraOptions struct {
	Auth            string
	IssueType       string
	Priorities      map[bot.Severity]string
	Labels          []string
	CustomFields    map[string]any
	CommanderField  string
	Transitions     map[bot.Status][]string
	Resolution      string
	ActionIssueType string
	ActionDone      []string
	LinkType        string
}

// ServiceNowOptions are the servicenow section's settings plus the OAuth
// client from the environment.
type ServiceNowOptions struct {
	Auth            string
	ClientID        string
	ClientSecret    Secret
	Severity        map[bot.Severity][2]int // impact, urgency
	States          map[bot.Status]int
	HoldReason      string
	CloseCode       string
	AssignmentGroup string
	Caller          string
	Category        string
	Subcategory     string
	CMDBCI          string
	Fields          map[string]string
}

func (c *Config) applyTicketsFile(fj fileJira, fs fileServiceNow) []error {
	var errs []error
	str := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	j := &c.Jira.JiraOptions
	str(&j.Auth, fj.Auth)
	if j.Auth != "" && j.Auth != "basic" && j.Auth != "bearer" {
		errs = append(errs, fmt.Errorf("jira.auth: %q is not basic or bearer", j.Auth))
	}
	str(&j.IssueType, fj.IssueType)
	str(&j.CommanderField, fj.CommanderField)
	str(&j.Resolution, fj.Resolution)
	str(&j.ActionIssueType, fj.ActionIssueType)
	str(&j.LinkType, fj.LinkType)
	j.Labels, j.ActionDone = fj.Labels, fj.ActionDone
	for _, l := range j.Labels {
		if l == "" || strings.ContainsFunc(l, isSpaceOrControl) {
			errs = append(errs, fmt.Errorf("jira.labels: %q is not a Jira label (one word)", l))
		}
	}
	if fj.Priorities != nil {
		j.Priorities = map[bot.Severity]string{}
		for _, k := range slices.Sorted(maps.Keys(fj.Priorities)) {
			sev, err := bot.ParseSeverity(k)
			if err != nil {
				errs = append(errs, fmt.Errorf("jira.priorities.%s: not one of sev1, sev2, sev3, sev4", k))
				continue
			}
			j.Priorities[sev] = fj.Priorities[k]
		}
	}
	if fj.Transitions != nil {
		j.Transitions = map[bot.Status][]string{}
		for _, k := range slices.Sorted(maps.Keys(fj.Transitions)) {
			st, err := bot.ParseStatus(k)
			if err != nil {
				errs = append(errs, fmt.Errorf("jira.transitions.%s: not a warroom status (triggered, acknowledged, investigating, identified, monitoring, resolved, closed)", k))
				continue
			}
			j.Transitions[st] = fj.Transitions[k]
		}
	}
	if fj.CustomFields != nil {
		j.CustomFields = map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(fj.CustomFields)) {
			v := strings.TrimSpace(fj.CustomFields[k])
			if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") {
				var x any
				if err := json.Unmarshal([]byte(v), &x); err != nil {
					errs = append(errs, fmt.Errorf("jira.custom_fields.%s: not valid JSON: %v", k, err))
					continue
				}
				j.CustomFields[k] = x
				continue
			}
			j.CustomFields[k] = v
		}
	}

	s := &c.ServiceNow.ServiceNowOptions
	str(&s.Auth, fs.Auth)
	switch s.Auth {
	case "", "basic", "oauth_password", "oauth_client_credentials":
	default:
		errs = append(errs, fmt.Errorf("servicenow.auth: %q is not basic, oauth_password or oauth_client_credentials", s.Auth))
	}
	if fs.Severity != nil {
		s.Severity = map[bot.Severity][2]int{}
		for _, k := range slices.Sorted(maps.Keys(fs.Severity)) {
			sev, err := bot.ParseSeverity(k)
			if err != nil {
				errs = append(errs, fmt.Errorf("servicenow.severity.%s: not one of sev1, sev2, sev3, sev4", k))
				continue
			}
			fi := fs.Severity[k]
			if fi.Impact == nil || fi.Urgency == nil || *fi.Impact < 1 || *fi.Impact > 3 || *fi.Urgency < 1 || *fi.Urgency > 3 {
				errs = append(errs, fmt.Errorf("servicenow.severity.%s: set impact and urgency, each 1 (high) to 3 (low)", k))
				continue
			}
			s.Severity[sev] = [2]int{*fi.Impact, *fi.Urgency}
		}
	}
	if fs.States != nil {
		s.States = map[bot.Status]int{}
		for _, k := range slices.Sorted(maps.Keys(fs.States)) {
			st, err := bot.ParseStatus(k)
			if err != nil {
				errs = append(errs, fmt.Errorf("servicenow.states.%s: not a warroom status", k))
				continue
			}
			switch v := fs.States[k]; v {
			case 1, 2, 3, 6, 7:
				s.States[st] = v
			default:
				errs = append(errs, fmt.Errorf("servicenow.states.%s: %d is not one of 1 (New), 2 (In Progress), 3 (On Hold), 6 (Resolved), 7 (Closed)", k, v))
			}
		}
	}
	str(&s.HoldReason, fs.HoldReason)
	str(&s.CloseCode, fs.CloseCode)
	str(&s.AssignmentGroup, fs.AssignmentGroup)
	str(&s.Caller, fs.Caller)
	str(&s.Category, fs.Category)
	str(&s.Subcategory, fs.Subcategory)
	str(&s.CMDBCI, fs.CMDBCI)
	s.Fields = fs.Fields
	for k := range s.Fields {
		if k == "priority" {
			errs = append(errs, fmt.Errorf("servicenow.fields.priority: the instance computes priority from impact and urgency; set servicenow.severity instead"))
		}
	}
	return errs
}

// applyTicketsEnv reads the ServiceNow OAuth client.
func applyTicketsEnv(c *Config, e *envReader) {
	e.str("SERVICENOW_CLIENT_ID", &c.ServiceNow.ClientID)
	e.secretInto("SERVICENOW_CLIENT_SECRET", &c.ServiceNow.ClientSecret)
}

// checkTickets reports what is missing for a configured ticket system.
func (c *Config) checkTickets() []error {
	var errs []error
	if c.Jira.URL != "" {
		if !c.Jira.Token.IsSet() {
			errs = append(errs, fmt.Errorf("JIRA_TOKEN: required when JIRA_URL is set"))
		}
		if strings.TrimSpace(c.Jira.Project) == "" {
			errs = append(errs, fmt.Errorf("JIRA_PROJECT: required when JIRA_URL is set (a project key such as OPS)"))
		}
		if c.Jira.Auth == "basic" && c.Jira.User == "" {
			errs = append(errs, fmt.Errorf("JIRA_USER: required with jira.auth basic (the account's email on Jira Cloud)"))
		}
	}
	if c.ServiceNow.URL != "" {
		auth := c.ServiceNow.Auth
		if (auth == "" || auth == "basic" || auth == "oauth_password") && (c.ServiceNow.User == "" || !c.ServiceNow.Password.IsSet()) {
			errs = append(errs, fmt.Errorf("SERVICENOW_USER and SERVICENOW_PASSWORD: required when SERVICENOW_URL is set (with servicenow.auth %s)", orDefault(auth, "basic")))
		}
		if strings.HasPrefix(auth, "oauth") && (c.ServiceNow.ClientID == "" || !c.ServiceNow.ClientSecret.IsSet()) {
			errs = append(errs, fmt.Errorf("SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET: required with servicenow.auth %s", auth))
		}
	}
	return errs
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// viewJira is the jira section as `warroom config check` prints it.
type viewJira struct {
	Auth            string              `yaml:"auth"`
	IssueType       string              `yaml:"issue_type,omitempty"`
	Priorities      map[string]string   `yaml:"priorities,omitempty"`
	Labels          []string            `yaml:"labels,omitempty"`
	CustomFields    map[string]any      `yaml:"custom_fields,omitempty"`
	CommanderField  string              `yaml:"commander_field,omitempty"`
	Transitions     map[string][]string `yaml:"transitions,omitempty"`
	Resolution      string              `yaml:"resolution,omitempty"`
	ActionIssueType string              `yaml:"action_issue_type,omitempty"`
	ActionDone      []string            `yaml:"action_done,omitempty"`
	LinkType        string              `yaml:"link_type,omitempty"`
}

// viewServiceNow is the servicenow section as `warroom config check` prints it.
type viewServiceNow struct {
	Auth            string                    `yaml:"auth"`
	Severity        map[string]map[string]int `yaml:"severity,omitempty"`
	States          map[string]int            `yaml:"states,omitempty"`
	HoldReason      string                    `yaml:"hold_reason,omitempty"`
	CloseCode       string                    `yaml:"close_code,omitempty"`
	AssignmentGroup string                    `yaml:"assignment_group,omitempty"`
	Caller          string                    `yaml:"caller,omitempty"`
	Category        string                    `yaml:"category,omitempty"`
	Subcategory     string                    `yaml:"subcategory,omitempty"`
	CMDBCI          string                    `yaml:"cmdb_ci,omitempty"`
	Fields          map[string]string         `yaml:"fields,omitempty"`
}

// ticketViews renders the jira and servicenow sections. Both are shown
// whether or not JIRA_URL or SERVICENOW_URL turns the integration on.
func (c *Config) ticketViews() (*viewJira, *viewServiceNow) {
	var vj *viewJira
	var vs *viewServiceNow
	{
		j := c.Jira.JiraOptions
		vj = &viewJira{
			Auth:      orDefault(j.Auth, map[bool]string{true: "basic", false: "bearer"}[c.Jira.User != ""]),
			IssueType: j.IssueType, Labels: j.Labels, CustomFields: j.CustomFields, CommanderField: j.CommanderField,
			Resolution: j.Resolution, ActionIssueType: j.ActionIssueType, ActionDone: j.ActionDone, LinkType: j.LinkType,
		}
		if j.Priorities != nil {
			vj.Priorities = map[string]string{}
			for s, p := range j.Priorities {
				vj.Priorities[sevKey(s)] = p
			}
		}
		if j.Transitions != nil {
			vj.Transitions = map[string][]string{}
			for s, n := range j.Transitions {
				vj.Transitions[string(s)] = n
			}
		}
	}
	{
		s := c.ServiceNow.ServiceNowOptions
		vs = &viewServiceNow{
			Auth: orDefault(s.Auth, "basic"), HoldReason: s.HoldReason, CloseCode: s.CloseCode,
			AssignmentGroup: s.AssignmentGroup, Caller: s.Caller, Category: s.Category, Subcategory: s.Subcategory,
			CMDBCI: s.CMDBCI, Fields: s.Fields,
		}
		if s.Severity != nil {
			vs.Severity = map[string]map[string]int{}
			for sev, iu := range s.Severity {
				vs.Severity[sevKey(sev)] = map[string]int{"impact": iu[0], "urgency": iu[1]}
			}
		}
		if s.States != nil {
			vs.States = map[string]int{}
			for st, v := range s.States {
				vs.States[string(st)] = v
			}
		}
	}
	return vj, vs
}
