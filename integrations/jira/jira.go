package jira

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"

	jira "github.com/andygrunwald/go-jira"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/outbox"
	"github.com/warroom/warroom/commands"
)

// System is the link system and ticket target name.
const System = bot.LinkJira

// Service is what the integration needs of bot.Service.
type Service interface {
	Get(ctx context.Context, number int64) (*bot.Incident, error)
	Timeline(ctx context.Context, number int64) ([]bot.Entry, error)
	Actions(ctx context.Context, f bot.ActionFilter) ([]bot.ActionItem, error)
	SetLink(ctx context.Context, number int64, actor, system string, l bot.Link) (*bot.Incident, error)
	SetActionTicket(ctx context.Context, number int64, seq int, system, ticket, url string) (*bot.ActionItem, error)
	CompleteAction(ctx context.Context, number int64, actor string, seq int) (*bot.ActionItem, error)
	MirrorNote(ctx context.Context, number int64, system, actor, text string, data map[string]string) (*bot.Incident, error)
	RequestTicketSync(ctx context.Context, number int64, target string) error
}

// Jira keeps incidents' Jira issues in step.
type Jira struct {
	cfg     Config
	svc     Service
	client  *jira.Client
	log     *slog.Logger
	stop    stopper
	metrics *metrics
	locks   [64]sync.Mutex // per incident (striped): one create at a time

	selfMu sync.Mutex
	self   *jira.User // warroom's own Jira account, once known
}

var (
	_ commands.Ticketer = (*Jira)(nil)
	_ outbox.Handler    = (*Jira)(nil).handleSync
)

// New checks cfg and builds the integration.
func New(cfg Config, svc Service) (*Jira, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, errors.New("jira: nil service")
	}
	j := &Jira{cfg: cfg, svc: svc, log: cfg.Log.With("integration", System), metrics: newMetrics()}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	user, token, mode := cfg.User, cfg.Token, cfg.Auth
	wrapped := *hc
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse JIRA_URL: %w", err)
	}
	wrapped.Transport = &transport{
		host: u.Host, base: base, now: cfg.Now,
		auth: func(r *http.Request) {
			if mode == AuthBasic {
				r.SetBasicAuth(user, token)
			} else {
				r.Header.Set("Authorization", "Bearer "+token)
			}
		},
		calls: func(method string, status int) {
			j.metrics.requests.WithLabelValues(method, statusClass(status)).Inc()
		},
	}
	client, err := jira.NewClient(&wrapped, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("build jira client: %w", err)
	}
	j.client = client
	return j, nil
}

// System names the tracker: bot.LinkJira.
func (j *Jira) System() string { return System }

// Target is the bot.TicketTarget to give bot.Config.Tickets: action items
// become linked Jira issues.
func (j *Jira) Target() bot.TicketTarget { return bot.TicketTarget{Name: System, Actions: true} }

// Handlers returns the outbox handlers by job kind.
func (j *Jira) Handlers() map[string]outbox.Handler {
	return map[string]outbox.Handler{
		System + "." + bot.EffectTicketSync:    j.handleSync,
		System + "." + bot.EffectTicketComment: j.handleComment,
		System + "." + bot.EffectTicketAction:  j.handleAction,
	}
}

// Stopped returns why the integration stopped (a 401 or 403), or "".
func (j *Jira) Stopped() string { return j.stop.stopped() }

// Collector exposes the integration's metrics.
func (j *Jira) Collector() prometheus.Collector { return j.metrics }

// lock serialises work on one incident's issue within this process.
func (j *Jira) lock(number int64) func() {
	m := &j.locks[uint64(number)%uint64(len(j.locks))]
	m.Lock()
	return m.Unlock
}

// browseURL is where a person opens an issue.
func (j *Jira) browseURL(key string) string { return j.cfg.URL + "/browse/" + key }

func statusClass(code int) string {
	return fmt.Sprintf("%dxx", code/100)
}

// metrics of the integration.
type metrics struct {
	requests *prometheus.CounterVec
	errors   *prometheus.CounterVec
	writes   *prometheus.CounterVec
	stopped  prometheus.Gauge
}

func newMetrics() *metrics {
	l := prometheus.Labels{"system": System}
	return &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_requests_total", Help: "Requests to the ticket system, by method and status class.", ConstLabels: l,
		}, []string{"method", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_errors_total", Help: "Failed ticket operations, by class (auth, rate_limited, server, network, invalid).", ConstLabels: l,
		}, []string{"class"}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_writes_total", Help: "Writes to the ticket system, by operation.", ConstLabels: l,
		}, []string{"op"}),
		stopped: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "warroom_ticket_stopped", Help: "1 when the ticket integration stopped after its credentials were refused (401/403).", ConstLabels: l,
		}),
	}
}

func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	m.requests.Describe(ch)
	m.errors.Describe(ch)
	m.writes.Describe(ch)
	m.stopped.Describe(ch)
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.requests.Collect(ch)
	m.errors.Collect(ch)
	m.writes.Collect(ch)
	m.stopped.Collect(ch)
}
