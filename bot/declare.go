package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// DeclareInput is what a person or an alert says when declaring.
type DeclareInput struct {
	Title     string
	Severity  Severity // 0: SEV3
	Service   string
	Summary   string
	Impact    string
	Source    string // "": manual
	Private   bool
	StartedAt time.Time // zero: declared time
	Commander string    // optional
	Actor     string
	Links     map[string]Link // optional counterparts in other systems (e.g. the PagerDuty incident it came from)
	// Type names a configured incident type; "": the default type.
	Type string
	// Fields are custom field values, name → value (fields.go).
	Fields map[string]string
	// Cause says where the declaration came from (the zero Cause: warroom):
	// an incident PagerDuty reported is not paged back to it.
	Cause Cause
}

// Declare opens a new incident.
func (s *Service) Declare(ctx context.Context, in DeclareInput) (*Incident, error) {
	title := SanitizeTitle(in.Title, MaxTitleLen)
	if title == "" {
		return nil, Errorf(CodeInvalid, "a title is required, e.g. declare sev2 Checkout latency above SLO")
	}
	sev := in.Severity
	if sev == 0 {
		sev = SEV3
	}
	if !sev.Valid() {
		return nil, Errorf(CodeInvalid, "severity %d is not one of %s", int(sev), severityChoices())
	}
	typ, err := s.catalog.resolveType(in.Type)
	if err != nil {
		return nil, err
	}
	if err := typ.allows(sev); err != nil {
		return nil, err
	}
	given := cloneMap(typ.Fields)
	for k, v := range in.Fields {
		if given == nil {
			given = map[string]string{}
		}
		given[strings.ToLower(strings.TrimSpace(k))] = v
	}
	fields, err := s.catalog.normalizeFields(given)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	started := in.StartedAt.UTC()
	if in.StartedAt.IsZero() || started.After(now) {
		started = now
	}
	source := SanitizeTitle(in.Source, MaxNameLen)
	if source == "" {
		source = "manual"
	}
	actor := normalizeUser(in.Actor)
	private := in.Private || typ.Private
	inc := &Incident{
		Title: title, Severity: sev, Status: StatusTriggered, Private: private, Source: source,
		Type: typ.Name, Fields: fields,
		Service: SanitizeTitle(in.Service, MaxNameLen), Summary: SanitizeText(in.Summary, MaxTextLen),
		Impact:    SanitizeText(in.Impact, MaxTextLen),
		StartedAt: started, DeclaredAt: now, UpdatedAt: now, Version: 1,
		Roles: map[string]string{}, Responders: addResponders(s.respondersFor("", in.Service), typ.Responders),
	}
	if source == "manual" {
		// an alert declares whatever it is; people fill the fields in later
		if err := s.catalog.checkRequired(inc, StageDeclare); err != nil {
			return nil, err
		}
	}
	if cmd := normalizeUser(in.Commander); cmd != "" {
		inc.Roles[RoleCommander] = cmd
	} else if private && actor != "" && source == "manual" {
		// whoever declares a private incident is in it: they take command
		// unless another is named, so it does not vanish from their lists
		inc.Roles[RoleCommander] = actor
	}
	for sys, l := range in.Links {
		if inc.Links == nil {
			inc.Links = map[string]Link{}
		}
		inc.Links[sys] = l
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		n, err := tx.NextIncidentNumber(ctx)
		if err != nil {
			return fmt.Errorf("allocate incident number: %w", err)
		}
		inc.Number = n
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return fmt.Errorf("create %s: %w", inc.Key(), err)
		}
		c := &change{inc: inc, actor: actor, cause: in.Cause, now: now, tx: tx}
		data := map[string]string{"severity": sev.String(), "source": source}
		if typ.Name != "" {
			data["type"] = typ.Name
		}
		c.record(EntryDeclared, fmt.Sprintf("Declared %s: %s", sev, title), data)
		if cmd := inc.Commander(); cmd != "" {
			c.record(EntryRoleAssigned, cmd+" is commander", map[string]string{"role": RoleCommander, "new": cmd})
		}
		if err := s.noteMaintenance(ctx, c); err != nil {
			return err
		}
		_, after := auditDiff(nil, inc)
		if err := s.write(ctx, tx, c, "declare", nil, after); err != nil {
			return err
		}
		if err := s.afterChange(ctx, tx, c, nil); err != nil {
			return err
		}
		return s.enqueueAll(ctx, tx, inc, EffectOpen, nil)
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return inc, nil
}
