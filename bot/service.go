package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Config is what the Service needs to know about the deployment.
type Config struct {
	SLAs      map[Severity]SLA // nil: DefaultSLAs
	Roles     []string         // roles besides the built-in ones
	Targets   []string         // chat targets that receive open/card/post effects, e.g. "console", "slack"
	PublicURL string           // base URL for links back to warroom
	Now       func() time.Time // nil: time.Now
	// AfterCommit, when set, runs after every committed change that wrote
	// outbox jobs (e.g. to wake the outbox worker). It must not block.
	AfterCommit func()
	// Paging names the paging targets and when they page (paging.go).
	Paging PagingConfig
	// Escalation says when unacknowledged incidents escalate (escalation.go).
	Escalation EscalationConfig
	// Alerts configures alert routing and HandleAlerts (alert_config.go).
	Alerts AlertConfig
	// Tickets names the ticket targets and the ticket threshold (tickets.go).
	Tickets TicketConfig
	// Insights configures process-SLA reminders, action-item reminders
	// and postmortem drafts on resolve (insights.go).
	Insights InsightsConfig
	// RevealPrivateTitles sends private incidents' titles to tickets and
	// pages; by default they read "Private incident INC-42" (Outward).
	RevealPrivateTitles bool
	// Services name, per service, the responders called into the room of
	// its incidents (responders.go).
	Services map[string]ServiceConfig
	// Names renders chat ids as display names on cards and postmortems
	// (names.go); nil renders ids.
	Names *Names
	// Types are the incident types, the first the default unless one is
	// named "default"; none: incidents have no type (types.go).
	Types []IncidentType
	// Fields are the custom fields (fields.go).
	Fields []FieldDef
}

// Service changes incidents. Every method that changes something runs as one
// store transaction writing the new state, timeline entries, the audit record
// and the outbox jobs for its effects together.
type Service struct {
	store   Store
	slas    map[Severity]SLA
	roles   []string
	targets []string
	public  string
	now     func() time.Time
	after   func()
	log     *slog.Logger

	revealPrivate bool
	names         *Names

	paging PagingConfig

	// live holds what Reload replaces while the Service runs: routes and
	// group-commit limits, escalation settings (reload.go).
	live atomic.Pointer[liveConfig]
	gc   committer // merges concurrent HandleAlerts calls (alert_groupcommit.go)

	tickets  TicketConfig   // ticket targets and threshold (tickets.go)
	insights InsightsConfig // SLA and action reminders, postmortems (insights.go)
	services map[string]ServiceConfig
	catalog  *catalog // incident types and custom fields
}

// NewService checks cfg and builds a Service.
func NewService(cfg Config, store Store, log *slog.Logger) (*Service, error) {
	if store == nil {
		return nil, errors.New("bot: nil store")
	}
	slas := DefaultSLAs()
	for s, t := range cfg.SLAs {
		slas[s] = t
	}
	if err := validateSLAs(slas); err != nil {
		return nil, err
	}
	roles := slices.Clone(BuiltinRoles)
	for _, r := range cfg.Roles {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" || strings.ContainsAny(r, " \t@") {
			return nil, fmt.Errorf("role %q: a role is one word", r)
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if err := validateEscalation(cfg.Escalation); err != nil {
		return nil, err
	}
	alertCfg, err := newAlertConfig(cfg.Alerts)
	if err != nil {
		return nil, err
	}
	services, err := checkServices(cfg.Services)
	if err != nil {
		return nil, err
	}
	cat, err := newCatalog(cfg.Types, cfg.Fields)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	svc := &Service{
		store: store, slas: slas, roles: roles, targets: slices.Clone(cfg.Targets),
		public: strings.TrimRight(cfg.PublicURL, "/"), now: now, after: cfg.AfterCommit, log: log,
		paging:   PagingConfig{Targets: slices.Clone(cfg.Paging.Targets), PageAt: cfg.Paging.PageAt},
		tickets:  TicketConfig{Targets: slices.Clone(cfg.Tickets.Targets), At: cfg.Tickets.At, Systems: maps.Clone(cfg.Tickets.Systems)},
		insights: cfg.Insights.withDefaults(),
		services: services,
		catalog:  cat,

		revealPrivate: cfg.RevealPrivateTitles, names: cfg.Names,
	}
	svc.live.Store(&liveConfig{alerts: alertCfg, escalation: cloneEscalation(cfg.Escalation)})
	return svc, nil
}

// SLA returns the targets of a severity.
func (s *Service) SLA(sev Severity) SLA { return s.slas[sev] }

// Roles lists the roles that can be assigned, built-in first.
func (s *Service) Roles() []string { return slices.Clone(s.roles) }

// PublicURL is the base URL for links back to warroom.
func (s *Service) PublicURL() string { return s.public }

// Now is the Service's clock, in UTC and truncated to the microsecond that
// both stores keep.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Card renders an incident's card with the Service's links.
func (s *Service) Card(inc *Incident) Message {
	return s.names.Message(s.labelFields(Card(inc, s.public)))
}

// Names renders chat ids as display names; nil (which renders ids) when
// none are configured.
func (s *Service) Names() *Names { return s.names }

// change collects what one mutation does, for mutate to write.
type change struct {
	inc     *Incident
	actor   string
	cause   Cause // where the change came from (cause.go)
	now     time.Time
	entries []*Entry
	posts   []PostPayload
	// managers are messages for the managers' channel (escalation.go).
	managers []Message
	// directs are direct messages to people (insights_reminders.go).
	directs []DirectPayload
	audit   map[string]any // extra audit detail for changes that leave the incident as it was
	tx      Tx
}

func (c *change) record(kind EntryKind, text string, data map[string]string) {
	c.entries = append(c.entries, &Entry{Incident: c.inc.Number, At: c.now, Kind: kind, Actor: c.actor, Text: text, Data: data})
}

func (c *change) post(m Message, announce bool) {
	m.Incident = c.inc.Number
	c.posts = append(c.posts, PostPayload{Message: m, Announce: announce})
}

func (c *change) note(k string, v any) {
	if c.audit == nil {
		c.audit = map[string]any{}
	}
	c.audit[k] = v
}

// mutate runs fn against a locked incident in one transaction and writes
// the incident, timeline, audit and outbox rows it produced.
func (s *Service) mutate(ctx context.Context, cause Cause, number int64, actor, action string, fn func(c *change) error) (*Incident, error) {
	var out *Incident
	err := s.store.InTx(ctx, func(tx Tx) error {
		inc, err := lockTarget(ctx, tx, cause, number)
		if err != nil {
			return err
		}
		if cause.Check != nil {
			if err := cause.Check(inc); err != nil {
				return err
			}
		}
		before := inc.Clone()
		c := &change{inc: inc, actor: actor, cause: cause, now: s.Now(), tx: tx}
		if err := fn(c); err != nil {
			return err
		}
		b, a := auditDiff(before, inc)
		changed := len(a) > 0
		if changed {
			inc.UpdatedAt = c.now
			inc.Version++
			if err := tx.UpdateIncident(ctx, inc); err != nil {
				return fmt.Errorf("update %s: %w", inc.Key(), err)
			}
		}
		for k, v := range c.audit {
			a[k] = v
		}
		// What the change sends out: effects.go.
		if err := s.write(ctx, tx, c, action, b, a); err != nil {
			return err
		}
		if err := s.afterChange(ctx, tx, c, before); err != nil {
			return err
		}
		if changed {
			for _, t := range s.targets {
				if t == cause.Origin { // it shows the change itself
					continue
				}
				if err := s.enqueue(ctx, tx, t, EffectCard, inc.Number, nil); err != nil {
					return err
				}
			}
		}
		out = inc
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return out, nil
}

// lockTarget reads and holds the incident a change acts on: number, or
// when number is 0 and cause names a channel, the channel's incident. One
// that does not exist, or that cause's Viewer may not see, is CodeNotFound.
func lockTarget(ctx context.Context, tx Tx, cause Cause, number int64) (*Incident, error) {
	byChannel := number == 0 && cause.Channel != nil
	var (
		inc *Incident
		err error
	)
	if byChannel {
		inc, err = tx.LockIncidentByChannel(ctx, cause.Channel.Platform, cause.Channel.Channel)
	} else {
		inc, err = tx.LockIncident(ctx, number)
	}
	switch {
	case errors.Is(err, ErrNotFound) || err == nil && cause.Viewer != nil && !inc.VisibleTo(*cause.Viewer):
		if byChannel {
			return nil, Errorf(CodeNotFound, "no incident lives in this channel")
		}
		return nil, Errorf(CodeNotFound, "%s does not exist", FormatKey(number))
	case err != nil:
		return nil, fmt.Errorf("load %s: %w", FormatKey(number), err)
	}
	return inc, nil
}

// PokesAfterCommit says AfterCommit is set: every committed change that
// wrote outbox jobs wakes the worker already, so a front-end need not
// wake it again after each command.
func (s *Service) PokesAfterCommit() bool { return s.after != nil }

// committed tells AfterCommit that jobs may be waiting.
func (s *Service) committed() {
	if s.after != nil && (len(s.targets) > 0 || len(s.paging.Targets) > 0 || len(s.tickets.Targets) > 0) {
		s.after()
	}
}

// write stores a change's timeline entries, audit record and posts.
func (s *Service) write(ctx context.Context, tx Tx, c *change, action string, before, after map[string]any) error {
	for _, e := range c.entries {
		if err := tx.AddEntry(ctx, e); err != nil {
			return fmt.Errorf("add timeline entry: %w", err)
		}
	}
	rec := &AuditRecord{At: c.now, Actor: c.actor, Action: action, Incident: c.inc.Number, Before: before, After: after}
	if err := tx.AddAudit(ctx, rec); err != nil {
		return fmt.Errorf("add audit record: %w", err)
	}
	return s.enqueuePosts(ctx, tx, c)
}

// normalizeUser strips the @ of a mention and sanitises the name.
func normalizeUser(u string) string {
	return SanitizeTitle(strings.TrimPrefix(strings.TrimSpace(u), "@"), MaxNameLen)
}
