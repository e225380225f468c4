package servicenow

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
	AuthBasic             = "basic"                    // SERVICENOW_USER + SERVICENOW_PASSWORD
	AuthPassword          = "oauth_password"           // OAuth password grant: client id/secret + user/password
	AuthClientCredentials = "oauth_client_credentials" // OAuth client-credentials grant: client id/secret

	DefaultAuth = AuthBasic // when Config.Auth is ""
)

// ImpactUrgency are the two values ServiceNow derives priority from (1 high
// … 3 low).
type ImpactUrgency struct {
	Impact, Urgency int
}

// States are ServiceNow's incident states.
const (
	StateNew        = 1
	StateInProgress = 2
	StateOnHold     = 3
	StateResolved   = 6
	StateClosed     = 7
)

// Config is what the integration needs. Zero values take the documented
// defaults.
type Config struct {
	URL      string // instance URL, e.g. https://example.service-now.com
	User     string
	Password string
	// Names renders chat ids in comments as display names
	// (bot.Names.Text); nil leaves ids.
	Names        func(string) string
	Auth         string // AuthBasic (default), AuthPassword or AuthClientCredentials
	ClientID     string // OAuth
	ClientSecret string // OAuth

	// Severity maps severities to impact and urgency; SEV1 1/1, SEV2 1/2,
	// SEV3 2/2, SEV4 3/3.
	Severity map[bot.Severity]ImpactUrgency
	// States maps warroom statuses to incident states; triggered New,
	// acknowledged … monitoring In Progress, resolved Resolved, closed Closed.
	States          map[bot.Status]int
	HoldReason      string // hold_reason sent with On Hold; "1" (awaiting caller)
	CloseCode       string // close_code sent with Resolved/Closed; "Solution provided"
	AssignmentGroup string // sys_id or name, set on create
	Caller          string // caller_id, set on create
	Category        string
	Subcategory     string
	CMDBCI          string            // cmdb_ci, set on create
	Fields          map[string]string // more fields set on create, e.g. contact_type
	// FieldMap names, per warroom custom field (or "type", the incident
	// type), the incident column that holds its value, e.g.
	// customer_impact: u_customer_impact. Set on create, kept in step after.
	FieldMap  map[string]string
	PublicURL string // warroom's base URL, for links back
	// Problems, when set, keeps every warroom problem in the problem
	// table (problems.go); nil: problems stay in warroom.
	Problems Problems

	Timeout time.Duration // one request; 10s
	// ProbeBackoff is how the integration is probed while held after a
	// 401/403; default bot.DefaultProbeBackoff.
	ProbeBackoff bot.ProbeBackoff
	// Budgets hold the integration and pause its instance after a 429, on
	// every replica (the store); nil keeps them in this process.
	Budgets    bot.Budgets
	HTTPClient *http.Client
	Now        func() time.Time
	Log        *slog.Logger
}

// DefaultSeverity is the default severity → impact/urgency map.
func DefaultSeverity() map[bot.Severity]ImpactUrgency {
	return map[bot.Severity]ImpactUrgency{
		bot.SEV1: {1, 1}, bot.SEV2: {1, 2}, bot.SEV3: {2, 2}, bot.SEV4: {3, 3},
	}
}

// DefaultStates is the default status → state map.
func DefaultStates() map[bot.Status]int {
	return map[bot.Status]int{
		bot.StatusTriggered: StateNew, bot.StatusAcknowledged: StateInProgress,
		bot.StatusInvestigating: StateInProgress, bot.StatusIdentified: StateInProgress,
		bot.StatusMonitoring: StateInProgress, bot.StatusResolved: StateResolved, bot.StatusClosed: StateClosed,
	}
}

func (c *Config) defaults() error {
	var errs []error
	u, err := url.Parse(c.URL)
	if c.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, errors.New("SERVICENOW_URL: want the instance URL, e.g. https://example.service-now.com"))
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Auth == "" {
		c.Auth = DefaultAuth
	}
	switch c.Auth {
	case AuthBasic, AuthPassword:
		if c.User == "" || c.Password == "" {
			errs = append(errs, fmt.Errorf("SERVICENOW_USER and SERVICENOW_PASSWORD: required with %s auth", c.Auth))
		}
	case AuthClientCredentials:
	default:
		errs = append(errs, fmt.Errorf("servicenow.auth: %q is not basic, oauth_password or oauth_client_credentials", c.Auth))
	}
	if c.Auth != AuthBasic && (c.ClientID == "" || c.ClientSecret == "") {
		errs = append(errs, fmt.Errorf("SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET: required with %s auth", c.Auth))
	}
	if c.Severity == nil {
		c.Severity = DefaultSeverity()
	}
	for sev, iu := range c.Severity {
		if iu.Impact < 1 || iu.Impact > 3 || iu.Urgency < 1 || iu.Urgency > 3 {
			errs = append(errs, fmt.Errorf("servicenow.severity.%s: impact and urgency are 1 to 3", strings.ToLower(sev.String())))
		}
	}
	states := DefaultStates()
	for st, v := range c.States {
		if !st.Valid() {
			errs = append(errs, fmt.Errorf("servicenow.states: %q is not a warroom status", st))
		}
		switch v {
		case StateNew, StateInProgress, StateOnHold, StateResolved, StateClosed:
		default:
			errs = append(errs, fmt.Errorf("servicenow.states.%s: %d is not one of 1, 2, 3, 6, 7", st, v))
		}
		states[st] = v
	}
	c.States = states
	if c.HoldReason == "" {
		c.HoldReason = "1"
	}
	if c.CloseCode == "" {
		c.CloseCode = "Solution provided"
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
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
