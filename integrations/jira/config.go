package jira

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Auth modes.
const (
	AuthBasic  = "basic"  // Jira Cloud: account email + API token
	AuthBearer = "bearer" // Jira Server / Data Center: personal access token
)

// DefaultAuth is the auth mode when Config.Auth is "": basic with a user
// (Jira Cloud), bearer without one.
func DefaultAuth(user string) string {
	if user != "" {
		return AuthBasic
	}
	return AuthBearer
}

// Config is what the integration needs. Zero values take the defaults
// documented on each field.
type Config struct {
	URL     string // base URL, e.g. https://example.atlassian.net
	User    string // account email (Cloud); empty with AuthBearer
	Token   string // API token (Cloud) or personal access token (Server/DC)
	Project string // project key, e.g. OPS
	// Names renders chat ids in comments as display names
	// (bot.Names.Text); nil leaves ids.
	Names func(string) string
	// Auth is AuthBasic or AuthBearer; "" picks basic when User is set.
	Auth string

	IssueType string                  // issue type of incident issues; "Task"
	Priority  map[bot.Severity]string // severity → priority name; SEV1 Highest … SEV4 Low
	Labels    []string                // extra labels on every issue; the warroom-inc-N label is always added
	// CustomFields are set when the issue is created, as Jira takes them
	// (e.g. customfield_10010: {"value": "Production"}).
	CustomFields map[string]any
	// CommanderField, when set, is a text custom field that holds the
	// commander's name (e.g. customfield_10042).
	CommanderField string
	// FieldMap names, per warroom custom field (or "type", the incident
	// type), the Jira text field that holds its value, e.g.
	// customer_impact: customfield_10050. Set on create, kept in step after.
	FieldMap map[string]string
	// Transitions names, per warroom status, the workflow transitions (or
	// target statuses) that bring the issue there, in order of preference.
	// nil takes DefaultTransitions.
	Transitions map[bot.Status][]string
	// Resolution, when set, is the resolution name sent with a transition to
	// resolved or closed when the transition screen has the field.
	Resolution string

	ActionIssueType string // issue type of action items; "Task"
	// ProblemIssueType, with Problems, keeps every warroom problem as an
	// issue of this type (problems.go); "": problems stay in warroom.
	ProblemIssueType string
	Problems         Problems
	ActionDone       []string // transitions that finish an action issue; "Done", "Resolve Issue", "Close Issue"
	LinkType         string   // issue link type from action issue to incident issue; "Relates"

	WebhookSecret string // checks POST /webhooks/jira; "" refuses it
	PublicURL     string // warroom's base URL, for links back

	Timeout time.Duration // one request; 10s
	// ProbeBackoff is how the integration is probed while held after a
	// 401/403; default bot.DefaultProbeBackoff.
	ProbeBackoff bot.ProbeBackoff
	// Budgets hold the integration and pause its instance after a 429, on
	// every replica (the store); nil keeps them in this process.
	Budgets bot.Budgets
	// ReconcileWindow is how long after a create whose outcome is unknown
	// nothing creates again unless Jira's search finds the issue;
	// DefaultReconcileWindow.
	ReconcileWindow time.Duration
	HTTPClient      *http.Client // nil: a client with Timeout
	Now             func() time.Time
	Log             *slog.Logger
}

// DefaultTransitions fit Jira Cloud's simplified workflow (To Do, In
// Progress, Done) and the classic one (Start Progress, Resolve Issue,
// Close Issue, Reopen Issue).
func DefaultTransitions() map[bot.Status][]string {
	working := []string{"In Progress", "Start Progress", "Reopen Issue"}
	return map[bot.Status][]string{
		bot.StatusAcknowledged:  working,
		bot.StatusInvestigating: working,
		bot.StatusIdentified:    working,
		bot.StatusMonitoring:    working,
		bot.StatusResolved:      {"Done", "Resolve Issue", "Resolved"},
		bot.StatusClosed:        {"Done", "Close Issue", "Closed"},
	}
}

// DefaultPriorities map severities onto Jira's default priority scheme.
func DefaultPriorities() map[bot.Severity]string {
	return map[bot.Severity]string{bot.SEV1: "Highest", bot.SEV2: "High", bot.SEV3: "Medium", bot.SEV4: "Low"}
}

func (c *Config) defaults() error {
	var errs []error
	u, err := url.Parse(c.URL)
	if c.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("JIRA_URL: want the Jira base URL, e.g. https://example.atlassian.net"))
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Token == "" {
		errs = append(errs, errors.New("JIRA_TOKEN: required"))
	}
	if strings.TrimSpace(c.Project) == "" {
		errs = append(errs, errors.New("JIRA_PROJECT: required (a project key such as OPS)"))
	}
	switch c.Auth {
	case "":
		c.Auth = DefaultAuth(c.User)
	case AuthBasic:
		if c.User == "" {
			errs = append(errs, errors.New("JIRA_USER: required with basic auth (the account's email on Jira Cloud)"))
		}
	case AuthBearer:
	default:
		errs = append(errs, fmt.Errorf("jira.auth: %q is not basic or bearer", c.Auth))
	}
	def := func(p *string, v string) {
		if strings.TrimSpace(*p) == "" {
			*p = v
		}
	}
	def(&c.IssueType, "Task")
	def(&c.ActionIssueType, "Task")
	def(&c.LinkType, "Relates")
	if c.Priority == nil {
		c.Priority = DefaultPriorities()
	}
	if c.Transitions == nil {
		c.Transitions = DefaultTransitions()
	}
	for st := range c.Transitions {
		if !st.Valid() {
			errs = append(errs, fmt.Errorf("jira.transitions: %q is not a warroom status", st))
		}
	}
	if c.ActionDone == nil {
		c.ActionDone = []string{"Done", "Resolve Issue", "Close Issue"}
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.ReconcileWindow <= 0 {
		c.ReconcileWindow = DefaultReconcileWindow
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return errors.Join(errs...)
}
