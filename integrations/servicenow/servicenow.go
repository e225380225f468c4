package servicenow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// System is the link system and ticket target name.
const System = bot.LinkServiceNow

// Service is what the integration needs of bot.Service.
type Service interface {
	Get(ctx context.Context, number int64) (*bot.Incident, error)
	Outward(inc *bot.Incident) *bot.Incident // a private incident under its neutral title
	Timeline(ctx context.Context, number int64) ([]bot.Entry, error)
	SetLink(ctx context.Context, cause bot.Cause, number int64, actor, system string, l bot.Link) (*bot.Incident, error)
	RequestTicketSync(ctx context.Context, number int64, target string) error
	// The adapters' records: where a create about to be sent is claimed.
	ClaimMessage(ctx context.Context, m *bot.PostedMessage, prev *bot.PostedMessage) (bool, error)
	MessageByRef(ctx context.Context, platform, ref string) (*bot.PostedMessage, error)
}

// ServiceNow keeps incidents' ServiceNow records in step.
type ServiceNow struct {
	cfg     Config
	svc     Service
	api     *client
	log     *slog.Logger
	metrics *ticket.Metrics
	locks   ticket.Locks    // per incident: one create at a time
	stop    *ticket.Stopper // at the first refusal of the credentials
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
	s := &ServiceNow{cfg: cfg, svc: svc, log: cfg.Log.With("integration", System), metrics: ticket.NewMetrics(System)}
	s.stop = ticket.NewStopper(System, s.metrics, s.log, cfg.Budgets, cfg.Now)
	if cfg.ProbeBackoff.First > 0 {
		s.stop.SetBackoff(cfg.ProbeBackoff)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	s.api = &client{base: cfg.URL, http: hc, cfg: &s.cfg, onCall: func(method string, status int) {
		s.metrics.Request(method, status)
	}}
	return s, nil
}

// System names the tracker: bot.LinkServiceNow.
func (s *ServiceNow) System() string { return System }

// Target is the bot.TicketTarget to give bot.Config.Tickets: action items
// are written as work notes; problems are kept when Config.Problems is set.
func (s *ServiceNow) Target() bot.TicketTarget {
	return bot.TicketTarget{Name: System, Problems: s.cfg.Problems != nil}
}

// Handlers returns the outbox handlers by job kind.
func (s *ServiceNow) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(System, bot.EffectTicketSync):    s.stop.Guard(s.handleSync),
		bot.JobKindOf(System, bot.EffectTicketComment): s.stop.Guard(s.handleComment),
		bot.JobKindOf(System, bot.EffectProblemSync):   s.stop.Guard(s.handleProblemSync),
	}
}

// Stopped returns why the integration is held (a 401 or 403, on any
// replica), or "".
func (s *ServiceNow) Stopped(ctx context.Context) string { return s.stop.Stopped(ctx) }

// Collector exposes the integration's metrics.
func (s *ServiceNow) Collector() prometheus.Collector { return s.metrics }

// lookupWait is the wait after a create whose outcome is unknown.
const lookupWait = 5 * time.Second

// refused reports whether a 403 is a refusal of the credentials (ACL) rather
// than of the data (a data policy or business rule aborting the write).
func refused(ae *ticket.APIError) bool {
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
	s.metrics.Errors.WithLabelValues(ticket.Class(err)).Inc()
	err = fmt.Errorf("%s: %w", what, err)
	var ae *ticket.APIError
	if !errors.As(err, &ae) {
		return err
	}
	if refused(ae) {
		return s.stop.Stop(fmt.Sprintf("ServiceNow refused warroom's credentials (%d %s) at %s; check SERVICENOW_USER, SERVICENOW_PASSWORD (or the OAuth client) and the account's roles (warroom probes with backoff and resumes by itself once they work)",
			ae.Status, http.StatusText(ae.Status), what), err)
	}
	return ticket.Backoff(err, ae)
}
