package servicenow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/outbox"
	"github.com/warroom/warroom/commands"
)

// System is the link system and ticket target name.
const System = bot.LinkServiceNow

// Service is what the integration needs of bot.Service.
type Service interface {
	Get(ctx context.Context, number int64) (*bot.Incident, error)
	Timeline(ctx context.Context, number int64) ([]bot.Entry, error)
	SetLink(ctx context.Context, number int64, actor, system string, l bot.Link) (*bot.Incident, error)
	RequestTicketSync(ctx context.Context, number int64, target string) error
}

// ServiceNow keeps incidents' ServiceNow records in step.
type ServiceNow struct {
	cfg     Config
	svc     Service
	api     *client
	log     *slog.Logger
	metrics *metrics
	locks   [64]sync.Mutex

	mu     sync.Mutex
	reason string // why it stopped (401/403), or ""
}

var _ commands.Ticketer = (*ServiceNow)(nil)

// New checks cfg and builds the integration.
func New(cfg Config, svc Service) (*ServiceNow, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, errors.New("servicenow: nil service")
	}
	s := &ServiceNow{cfg: cfg, svc: svc, log: cfg.Log.With("integration", System), metrics: newMetrics()}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	s.api = &client{base: cfg.URL, http: hc, cfg: &s.cfg, onCall: func(method string, status int) {
		s.metrics.requests.WithLabelValues(method, fmt.Sprintf("%dxx", status/100)).Inc()
	}}
	return s, nil
}

// System names the tracker: bot.LinkServiceNow.
func (s *ServiceNow) System() string { return System }

// Target is the bot.TicketTarget to give bot.Config.Tickets: action items
// are written as work notes.
func (s *ServiceNow) Target() bot.TicketTarget { return bot.TicketTarget{Name: System} }

// Handlers returns the outbox handlers by job kind.
func (s *ServiceNow) Handlers() map[string]outbox.Handler {
	return map[string]outbox.Handler{
		System + "." + bot.EffectTicketSync:    s.handleSync,
		System + "." + bot.EffectTicketComment: s.handleComment,
	}
}

// Stopped returns why the integration stopped (a 401 or 403), or "".
func (s *ServiceNow) Stopped() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// Collector exposes the integration's metrics.
func (s *ServiceNow) Collector() prometheus.Collector { return s.metrics }

func (s *ServiceNow) lock(number int64) func() {
	m := &s.locks[uint64(number)%uint64(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// Default waits.
const (
	defaultRateWait = 30 * time.Second
	lookupWait      = 5 * time.Second
)

func class(err error) string {
	var ae *apiError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &ae) && (ae.Status == 401 || ae.Status == 403):
		return "auth"
	case errors.As(err, &ae) && (ae.Status == 429 || ae.Status == 503):
		return "rate_limited"
	case errors.As(err, &ae) && ae.Status >= 500:
		return "server"
	case errors.As(err, &ae):
		return "invalid"
	}
	return "network"
}

// refused reports whether a 403 is a refusal of the credentials (ACL) rather
// than of the data (a data policy or business rule aborting the write).
func refused(ae *apiError) bool {
	if ae.Status == 401 {
		return true
	}
	if ae.Status != 403 {
		return false
	}
	m := ae.Message
	return !(contains(m, "Data Policy") || contains(m, "Operation Failed") || contains(m, "Operation against file"))
}

// outcome turns a failed call into what the outbox should do with the job.
func (s *ServiceNow) outcome(what string, err error) error {
	if err == nil {
		return nil
	}
	s.metrics.errors.WithLabelValues(class(err)).Inc()
	err = fmt.Errorf("%s: %w", what, err)
	var ae *apiError
	if !errors.As(err, &ae) {
		return err
	}
	switch {
	case refused(ae):
		reason := fmt.Sprintf("ServiceNow refused warroom's credentials (%d %s) at %s; check SERVICENOW_USER, SERVICENOW_PASSWORD (or the OAuth client) and the account's roles, then restart warroom",
			ae.Status, http.StatusText(ae.Status), what)
		s.mu.Lock()
		first := s.reason == ""
		if first {
			s.reason = reason
		}
		s.mu.Unlock()
		if first {
			s.metrics.stopped.Set(1)
			s.log.Error("servicenow integration stopped: "+reason, "err", err)
		}
		return outbox.RetryAfter(fmt.Errorf("servicenow stopped: %s", reason), s.cfg.StopHold)
	case ae.Status == 429 || ae.Status == 503:
		d := ae.RetryAfter
		if d <= 0 {
			d = defaultRateWait
		}
		return outbox.RetryAfter(err, d)
	case ae.Status >= 500:
		return err
	}
	return outbox.Permanent(err)
}

func (s *ServiceNow) held() error {
	if r := s.Stopped(); r != "" {
		return outbox.RetryAfter(fmt.Errorf("servicenow stopped: %s", r), s.cfg.StopHold)
	}
	return nil
}

func isClientError(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500
}

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
