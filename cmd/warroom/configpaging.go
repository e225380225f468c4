package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// filePagerDuty is the pagerduty section of the YAML file. Secrets stay in
// the environment: services name the variables holding their routing keys.
//
//	pagerduty:
//	  page_at: sev2                 # declared at or above pages the default service
//	  from: oncall-bot@example.com  # PagerDuty user REST writes act as
//	  triggered: declare            # inbound incident.triggered: declare or link
//	  services:                     # /incident page NAME → routing key in this variable
//	    payments: PAGERDUTY_ROUTING_KEY_PAYMENTS
//	  user_service: PABC123         # service for /incident page @user
//	  users: {alice: alice@example.com}
//	  schedules: {primary: PSCHED1} # /oncall NAME
//	  oncall_cache: 60s
type filePagerDuty struct {
	PageAt      *string           `yaml:"page_at"`
	From        *string           `yaml:"from"`
	Triggered   *string           `yaml:"triggered"`
	Services    map[string]string `yaml:"services"`
	UserService *string           `yaml:"user_service"`
	Users       map[string]string `yaml:"users"`
	Schedules   map[string]string `yaml:"schedules"`
	OnCallCache *string           `yaml:"oncall_cache"`
}

// fileEscalation is the escalation section:
//
//	escalation:
//	  enabled: true
//	  levels: [1, 2, 3]          # multiples of the severity's acknowledge target
//	  mention: ["@sre-oncall"]   # besides the commander
//	  interval: 15s              # how often the scheduler checks
type fileEscalation struct {
	Enabled  *string  `yaml:"enabled"`
	Levels   []int    `yaml:"levels"`
	Mention  []string `yaml:"mention"`
	Interval *string  `yaml:"interval"`
}

// serviceKeyPrefix is the prefix every pagerduty.services variable must
// have, so that the file cannot send another secret to PagerDuty.
const serviceKeyPrefix = "PAGERDUTY_ROUTING_KEY_"

// PagingConfig is the file's PagerDuty options plus the service routing
// keys read from the environment.
type PagingConfig struct {
	PageAt      bot.Severity
	From        string
	Triggered   string
	Services    map[string]string // name → environment variable
	ServiceKeys map[string]Secret // name → routing key
	UserService string
	Users       map[string]string
	Schedules   map[string]string
	OnCallCache time.Duration
}

// EscalationConfig is the escalation section.
type EscalationConfig struct {
	Off      bool
	Levels   []int
	Mention  []string
	Interval time.Duration
}

func (c *Config) applyPaging(fp filePagerDuty, fe fileEscalation) []error {
	var errs []error
	p := &c.Paging
	if fp.PageAt != nil {
		sev, err := bot.ParseSeverity(*fp.PageAt)
		if err != nil {
			errs = append(errs, fmt.Errorf("pagerduty.page_at: %q is not one of sev1, sev2, sev3, sev4", *fp.PageAt))
		}
		p.PageAt = sev
	}
	if fp.From != nil {
		p.From = strings.TrimSpace(*fp.From)
		if p.From != "" && !strings.Contains(p.From, "@") {
			errs = append(errs, fmt.Errorf("pagerduty.from: %q is not an email address", p.From))
		}
	}
	if fp.Triggered != nil {
		p.Triggered = strings.ToLower(strings.TrimSpace(*fp.Triggered))
		if p.Triggered != "declare" && p.Triggered != "link" {
			errs = append(errs, fmt.Errorf("pagerduty.triggered: %q is not declare or link", *fp.Triggered))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fp.Services)) {
		env := strings.TrimSpace(fp.Services[name])
		if !strings.HasPrefix(env, serviceKeyPrefix) || len(env) == len(serviceKeyPrefix) {
			errs = append(errs, fmt.Errorf("pagerduty.services.%s: name the environment variable holding its routing key, starting %s", name, serviceKeyPrefix))
		}
		if strings.ContainsFunc(name, isSpaceOrControl) || name == "" {
			errs = append(errs, fmt.Errorf("pagerduty.services.%s: a service name is one word", name))
		}
	}
	p.Services = fp.Services
	if fp.UserService != nil {
		p.UserService = strings.TrimSpace(*fp.UserService)
	}
	p.Users, p.Schedules = fp.Users, fp.Schedules
	if fp.OnCallCache != nil {
		d, err := parseDuration(*fp.OnCallCache)
		if err != nil {
			errs = append(errs, fmt.Errorf("pagerduty.oncall_cache: %w", err))
		}
		p.OnCallCache = d
	}

	e := &c.Escalation
	if fe.Enabled != nil {
		switch strings.ToLower(strings.TrimSpace(*fe.Enabled)) {
		case "true", "yes", "on":
			e.Off = false
		case "false", "no", "off":
			e.Off = true
		default:
			errs = append(errs, fmt.Errorf("escalation.enabled: %q is not true or false", *fe.Enabled))
		}
	}
	if fe.Levels != nil {
		prev := 0
		for i, l := range fe.Levels {
			if l <= prev || l > 100 {
				errs = append(errs, fmt.Errorf("escalation.levels[%d]: %d: levels are increasing multiples of the acknowledge target, 1 to 100", i, l))
			}
			prev = l
		}
		e.Levels = fe.Levels
	}
	e.Mention = fe.Mention
	if fe.Interval != nil {
		d, err := parseDuration(*fe.Interval)
		if err == nil && (d < time.Second || d > time.Hour) {
			err = fmt.Errorf("%s is not between 1s and 1h", formatDuration(d))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("escalation.interval: %w", err))
		}
		e.Interval = d
	}
	return errs
}

// applyPagingEnv reads the routing key of every configured service.
func applyPagingEnv(c *Config, e *envReader) {
	if len(c.Paging.Services) == 0 {
		return
	}
	c.Paging.ServiceKeys = map[string]Secret{}
	for _, name := range slices.Sorted(maps.Keys(c.Paging.Services)) {
		env := strings.TrimSpace(c.Paging.Services[name])
		if !strings.HasPrefix(env, serviceKeyPrefix) {
			continue // refused when the file was read
		}
		v, ok := e.secret(env)
		if !ok {
			e.errs = append(e.errs, errors.New("pagerduty.services."+name+": set "+env+" or "+env+"_FILE"))
			continue
		}
		c.Paging.ServiceKeys[name] = NewSecret(v)
	}
}
