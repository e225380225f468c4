// Package pagerduty connects warroom to PagerDuty: outbound Events API v2
// (trigger, acknowledge, resolve, escalate) as outbox handlers, inbound v3
// webhooks mirrored onto incidents, the /oncall lookup (REST oncalls) and
// /incident page (a service's routing key, or a person through REST).
//
// It uses github.com/PagerDuty/go-pagerduty's client methods, pointed at
// the configured endpoints. It may import bot, commands,
// integrations/internal and the standard library.
package pagerduty

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	pd "github.com/PagerDuty/go-pagerduty"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/budget"
)

// Target is the paging target name: jobs "pagerduty.<effect>", the origin
// of mirrored changes and the link system.
const Target = bot.LinkPagerDuty

// TriggeredMode says what an inbound incident.triggered does.
type TriggeredMode string

// The modes.
const (
	TriggeredDeclare TriggeredMode = "declare" // declare a warroom incident (default)
	TriggeredLink    TriggeredMode = "link"    // only link PD incidents warroom itself triggered
)

// DefaultCacheTTL is how long on-call answers are cached when
// Config.CacheTTL is 0.
const DefaultCacheTTL = time.Minute

// Config is PagerDuty's settings.
type Config struct {
	Token         string            // REST API token (on-call lookup, paging a person, escalation)
	RoutingKey    string            // Events API v2 integration key of the default service
	WebhookSecret string            // v3 webhook signing secret(s), comma-separated for rotation
	APIURL        string            // REST base URL; "" is PagerDuty's
	EventsURL     string            // Events API base URL; "" is PagerDuty's
	From          string            // email of the PD user REST writes act as (From header)
	Services      map[string]string // service name → routing key, for /incident page SERVICE
	UserService   string            // PD service ID used when paging a person (/incident page @user)
	Users         map[string]string // chat handle → PD user email, for /incident page @user
	Schedules     map[string]string // schedule name → PD schedule ID, for /oncall NAME
	// ServiceIDs maps a warroom service to its PagerDuty service ID, whose
	// escalation policy's current on-call is mentioned when an incident of
	// that service escalates (OnCallEmails).
	ServiceIDs map[string]string
	Triggered  TriggeredMode    // inbound incident.triggered; "" is declare
	CacheTTL   time.Duration    // on-call answers are cached this long; 0 is 60 s
	HTTPClient *http.Client     // nil: a client with a 10 s timeout
	Now        func() time.Time // nil: time.Now
	// Budgets pace events per routing key, pause after a 429 and hold REST
	// after a refused token, on every replica (the store); nil keeps them
	// in this process.
	Budgets bot.Budgets
	// ProbeBackoff is how REST is probed while held; default
	// bot.DefaultProbeBackoff.
	ProbeBackoff bot.ProbeBackoff
}

// Client is the PagerDuty integration.
type Client struct {
	cfg   Config
	svc   *bot.Service
	api   *pd.Client
	log   *slog.Logger
	now   func() time.Time
	auth  sync.Once     // logs refused credentials once (Events API)
	guard *budget.Guard // pacing, 429 pauses, the REST hold

	mu     sync.Mutex
	cache  map[string]cached
	people oncallPeople // OnCallEmails's caches (oncall_people.go)
}

// New builds the integration. A routing key or a token is required.
func New(cfg Config, svc *bot.Service, log *slog.Logger) (*Client, error) {
	if svc == nil {
		return nil, errors.New("pagerduty: nil service")
	}
	if cfg.RoutingKey == "" && cfg.Token == "" {
		return nil, errors.New("pagerduty: set PAGERDUTY_ROUTING_KEY or PAGERDUTY_TOKEN")
	}
	switch cfg.Triggered {
	case "":
		cfg.Triggered = TriggeredDeclare
	case TriggeredDeclare, TriggeredLink:
	default:
		return nil, fmt.Errorf("pagerduty: triggered %q is not declare or link", cfg.Triggered)
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	var opts []pd.ClientOptions
	if cfg.APIURL != "" {
		opts = append(opts, pd.WithAPIEndpoint(strings.TrimRight(cfg.APIURL, "/")))
	}
	if cfg.EventsURL != "" {
		opts = append(opts, pd.WithV2EventsAPIEndpoint(strings.TrimRight(cfg.EventsURL, "/")))
	}
	api := pd.NewClient(cfg.Token, opts...)
	api.HTTPClient = &capturing{c: hc}
	c := &Client{cfg: cfg, svc: svc, api: api, log: log.With("integration", Target), now: cfg.Now, cache: map[string]cached{}}
	c.guard = budget.NewGuard(Target, cfg.Budgets, cfg.Now, c.log)
	c.guard.SetAdvice("PagerDuty refused warroom's REST token: its REST calls are held and probed with backoff, " +
		"and resume by themselves once it works (check PAGERDUTY_TOKEN and the From address); events still go out")
	if cfg.ProbeBackoff.First > 0 {
		c.guard.SetBackoff(cfg.ProbeBackoff)
	}
	return c, nil
}

// Secrets returns the webhook secrets, for the webhook handler.
func (c *Client) secrets() []string {
	var out []string
	for _, s := range strings.Split(c.cfg.WebhookSecret, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
