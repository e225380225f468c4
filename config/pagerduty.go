package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/pagerduty"
)

// PagerDuty is the PagerDuty integration: keys and URLs from the
// environment, and the pagerduty section of the file. Secrets stay in the
// environment: services name the variables holding their routing keys.
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
type PagerDuty struct {
	Token         Secret `env:"PAGERDUTY_TOKEN"`
	RoutingKey    Secret `env:"PAGERDUTY_ROUTING_KEY"`
	WebhookSecret Secret `env:"PAGERDUTY_WEBHOOK_SECRET"`
	APIURL        string `env:"PAGERDUTY_API_URL"`
	EventsURL     string `env:"PAGERDUTY_EVENTS_URL"`

	PageAt      bot.Severity            `yaml:"page_at"`
	From        string                  `yaml:"from"`
	Triggered   pagerduty.TriggeredMode `yaml:"triggered"`
	Services    map[string]string       `yaml:"services"` // name → the variable holding its routing key
	UserService string                  `yaml:"user_service"`
	Users       map[string]string       `yaml:"users"`
	Schedules   map[string]string       `yaml:"schedules"`
	ServiceIDs  map[string]string       `yaml:"service_ids"` // warroom service → PagerDuty service ID, for its on-call
	OnCallCache time.Duration           `yaml:"oncall_cache"`

	ServiceKeys map[string]Secret // name → routing key, read from the variables Services names
}

// serviceKeyPrefix is the prefix every pagerduty.services variable must
// have, so that the file cannot send another secret to PagerDuty.
const serviceKeyPrefix = "PAGERDUTY_ROUTING_KEY_"

func (p *PagerDuty) fill() {
	if !p.PageAt.Valid() {
		p.PageAt = bot.DefaultPageAt
	}
	if p.Triggered == "" {
		p.Triggered = pagerduty.TriggeredDeclare
	}
	if p.OnCallCache <= 0 {
		p.OnCallCache = pagerduty.DefaultCacheTTL
	}
}

func (p *PagerDuty) check() []error {
	var errs []error
	if p.From != "" && !strings.Contains(p.From, "@") {
		errs = append(errs, fmt.Errorf("pagerduty.from: %q is not an email address", p.From))
	}
	t := pagerduty.TriggeredMode(strings.ToLower(string(p.Triggered)))
	if t != pagerduty.TriggeredDeclare && t != pagerduty.TriggeredLink {
		errs = append(errs, fmt.Errorf("pagerduty.triggered: %q is not declare or link", p.Triggered))
	}
	p.Triggered = t
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		env := p.Services[name]
		if !strings.HasPrefix(env, serviceKeyPrefix) || len(env) == len(serviceKeyPrefix) {
			errs = append(errs, fmt.Errorf("pagerduty.services.%s: name the environment variable holding its routing key, starting %s", name, serviceKeyPrefix))
		}
		if strings.ContainsFunc(name, isSpaceOrControl) || name == "" {
			errs = append(errs, fmt.Errorf("pagerduty.services.%s: a service name is one word", name))
		}
	}
	return errs
}

// readServiceKeys reads the routing key of every configured service.
func (p *PagerDuty) readServiceKeys(e *envReader) {
	if len(p.Services) == 0 {
		return
	}
	p.ServiceKeys = map[string]Secret{}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		env := p.Services[name]
		if !strings.HasPrefix(env, serviceKeyPrefix) {
			continue // refused when the file was read
		}
		v, ok := e.secret(env)
		if !ok {
			e.errs = append(e.errs, errors.New("pagerduty.services."+name+": set "+env+" or "+env+"_FILE"))
			continue
		}
		p.ServiceKeys[name] = NewSecret(v)
	}
}

// Escalation is the escalation section:
//
//	escalation:
//	  enabled: true
//	  levels: [1, 2, 3]          # multiples of the severity's acknowledge target
//	  mention: ["@sre-oncall"]   # besides the commander
//	  managers_channel: sre-managers  # also gets SLA breaches and the last level
//	  interval: 15s              # how often the scheduler checks
type Escalation struct {
	Enabled  bool          `yaml:"enabled"`
	Levels   []int         `yaml:"levels"`
	Mention  []string      `yaml:"mention"`
	Managers string        `yaml:"managers_channel"`
	Interval time.Duration `yaml:"interval"`
}

func (e *Escalation) fill() {
	if e.Levels == nil {
		e.Levels = slices.Clone(bot.DefaultEscalationLevels)
	}
	if e.Interval <= 0 {
		e.Interval = bot.DefaultCheckInterval
	}
}

func (e *Escalation) check() []error {
	var errs []error
	prev := 0
	for i, l := range e.Levels {
		if l <= prev || l > 100 {
			errs = append(errs, fmt.Errorf("escalation.levels[%d]: %d: levels are increasing multiples of the acknowledge target, 1 to 100", i, l))
		}
		prev = l
	}
	if e.Interval < time.Second || e.Interval > time.Hour {
		errs = append(errs, fmt.Errorf("escalation.interval: %s is not between 1s and 1h", formatDuration(e.Interval)))
	}
	return errs
}
