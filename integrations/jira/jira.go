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
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// System is the link system and ticket target name.
const System = bot.LinkJira

// Service is what the integration needs of bot.Service.
type Service interface {
	Get(ctx context.Context, number int64) (*bot.Incident, error)
	Outward(inc *bot.Incident) *bot.Incident // a private incident under its neutral title
	Timeline(ctx context.Context, number int64) ([]bot.Entry, error)
	Actions(ctx context.Context, f bot.ActionFilter) ([]bot.ActionItem, error)
	SetLink(ctx context.Context, cause bot.Cause, number int64, actor, system string, l bot.Link) (*bot.Incident, error)
	SetActionTicket(ctx context.Context, cause bot.Cause, number int64, seq int, system, ticket, url string) (*bot.ActionItem, error)
	CompleteAction(ctx context.Context, cause bot.Cause, number int64, actor string, seq int) (*bot.ActionItem, error)
	MirrorNote(ctx context.Context, cause bot.Cause, number int64, actor, text string, data map[string]string) (*bot.Incident, error)
	RequestTicketSync(ctx context.Context, number int64, target string) error
	Fields() []bot.FieldDef // the custom fields, for the shapes the field map sends
	// The adapters' records: where a create about to be sent is noted.
	SaveMessage(ctx context.Context, m *bot.PostedMessage) error
	ClaimMessage(ctx context.Context, m *bot.PostedMessage, prev *bot.PostedMessage) (bool, error)
	MessageByRef(ctx context.Context, platform, ref string) (*bot.PostedMessage, error)
}

// Jira keeps incidents' Jira issues in step.
type Jira struct {
	cfg     Config
	svc     Service
	client  *jira.Client
	log     *slog.Logger
	stop    *ticket.Stopper
	metrics *ticket.Metrics
	locks   ticket.Locks // per incident: one create at a time

	selfMu sync.Mutex
	self   *jira.User // warroom's own Jira account, once known
}

var (
	_ commands.Ticketer = (*Jira)(nil)
	_ bot.Handler       = (*Jira)(nil).handleSync
)

// New checks cfg and builds the integration.
func New(cfg Config, svc Service) (*Jira, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, errors.New("jira: nil service")
	}
	j := &Jira{cfg: cfg, svc: svc, log: cfg.Log.With("integration", System), metrics: ticket.NewMetrics(System)}
	j.stop = ticket.NewStopper(System, j.metrics, j.log, cfg.Budgets, cfg.Now)
	if cfg.ProbeBackoff.First > 0 {
		j.stop.SetBackoff(cfg.ProbeBackoff)
	}
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
			j.metrics.Request(method, status)
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
// become linked Jira issues; problems too when ProblemIssueType is set.
func (j *Jira) Target() bot.TicketTarget {
	return bot.TicketTarget{Name: System, Actions: true, Problems: j.cfg.ProblemIssueType != "" && j.cfg.Problems != nil}
}

// Handlers returns the outbox handlers by job kind.
func (j *Jira) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(System, bot.EffectTicketSync):    j.stop.Guard(j.handleSync),
		bot.JobKindOf(System, bot.EffectTicketComment): j.stop.Guard(j.handleComment),
		bot.JobKindOf(System, bot.EffectTicketAction):  j.stop.Guard(j.handleAction),
		bot.JobKindOf(System, bot.EffectProblemSync):   j.stop.Guard(j.handleProblemSync),
	}
}

// Stopped returns why the integration is held (a 401 or 403, on any
// replica), or "".
func (j *Jira) Stopped(ctx context.Context) string { return j.stop.Stopped(ctx) }

// Collector exposes the integration's metrics.
func (j *Jira) Collector() prometheus.Collector { return j.metrics }

// browseURL is where a person opens an issue.
func (j *Jira) browseURL(key string) string { return j.cfg.URL + "/browse/" + key }
