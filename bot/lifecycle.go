package bot

import (
	"context"
	"fmt"
)

// Ack acknowledges an incident: triggered → acknowledged. cause says
// where it came from (the zero Cause: warroom).
func (s *Service) Ack(ctx context.Context, cause Cause, number int64, actor string) (*Incident, error) {
	return s.setStatus(ctx, cause, number, actor, StatusAcknowledged)
}

// SetStatus moves an incident along the transition table. Moving to resolved
// or closed, or from resolved back to investigating, has the same effects
// as Resolve, Close and Reopen.
func (s *Service) SetStatus(ctx context.Context, number int64, actor string, to Status, by ...Cause) (*Incident, error) {
	return s.setStatus(ctx, causeOf(by), number, actor, to)
}

func (s *Service) setStatus(ctx context.Context, cause Cause, number int64, actor string, to Status) (*Incident, error) {
	actor = normalizeUser(actor)
	return s.mutate(ctx, cause, number, actor, "status", func(c *change) error {
		if err := s.catalog.checkRequired(c.inc, stageOf(to)); err != nil {
			return err
		}
		return c.move(to, "")
	})
}

// Resolve moves an incident to resolved with an optional summary. cause
// says where it came from (the zero Cause: warroom).
func (s *Service) Resolve(ctx context.Context, cause Cause, number int64, actor, summary string) (*Incident, error) {
	return s.ResolveWith(ctx, cause, number, actor, summary, nil)
}

// ResolveWith is Resolve that first sets custom fields (a resolve form
// asking for those required to resolve), all in one change.
func (s *Service) ResolveWith(ctx context.Context, cause Cause, number int64, actor, summary string, fields map[string]string) (*Incident, error) {
	actor = normalizeUser(actor)
	summary = SanitizeText(summary, MaxTextLen)
	set, err := s.catalog.checkValues(fields)
	if err != nil {
		return nil, err
	}
	return s.mutate(ctx, cause, number, actor, "resolve", func(c *change) error {
		for _, f := range set {
			if err := c.setField(f.def, f.value); err != nil {
				return err
			}
		}
		if err := s.catalog.checkRequired(c.inc, StageResolve); err != nil {
			return err
		}
		return c.move(StatusResolved, summary)
	})
}

// Close makes an incident final.
func (s *Service) Close(ctx context.Context, number int64, actor string, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	return s.mutate(ctx, causeOf(by), number, actor, "close", func(c *change) error {
		if err := s.catalog.checkRequired(c.inc, StageClose); err != nil {
			return err
		}
		return c.move(StatusClosed, "")
	})
}

// Reopen moves a resolved incident back to investigating.
func (s *Service) Reopen(ctx context.Context, number int64, actor string, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	return s.mutate(ctx, causeOf(by), number, actor, "reopen", func(c *change) error {
		if c.inc.Status != StatusResolved {
			return Errorf(CodeConflict, "%s is %s; only a resolved incident can be reopened", c.inc.Key(), c.inc.Status)
		}
		return c.move(StatusInvestigating, "")
	})
}

// move applies one transition and its side effects on the incident's times.
func (c *change) move(to Status, summary string) error {
	inc := c.inc
	from := inc.Status
	if err := checkMove(inc.Key(), from, to); err != nil {
		return err
	}
	inc.Status = to
	if to.Acknowledged() && inc.AcknowledgedAt == nil {
		t := c.now
		inc.AcknowledgedAt = &t
	}
	data := map[string]string{"old": string(from), "new": string(to)}
	who := orNone(c.actor)
	switch {
	case from == StatusResolved && to == StatusInvestigating:
		inc.ResolvedAt = nil
		c.record(EntryReopened, "Reopened", data)
		c.post(Message{Text: fmt.Sprintf("%s reopened %s", who, inc.Key())}, true)
	case to == StatusAcknowledged:
		c.record(EntryAcknowledged, "Acknowledged", data)
	case to == StatusResolved:
		t := c.now
		inc.ResolvedAt = &t
		text := "Resolved"
		if summary != "" {
			text += ": " + summary
			data["summary"] = summary
		}
		c.record(EntryResolved, text, data)
		ttr, _ := inc.TimeToResolve()
		msg := fmt.Sprintf("%s resolved %s after %s", who, inc.Key(), FormatDuration(ttr))
		if summary != "" {
			msg += ": " + summary
		}
		c.post(Message{Text: msg}, true)
	case to == StatusClosed:
		t := c.now
		if inc.ResolvedAt == nil {
			inc.ResolvedAt = &t
		}
		inc.ClosedAt = &t
		c.record(EntryClosed, "Closed", data)
	default:
		c.record(EntryStatusChanged, fmt.Sprintf("Status %s → %s", from, to), data)
	}
	return nil
}

// PostUpdate records a status update, optionally moving the status, and posts
// it in the incident channel and the announcement channel.
func (s *Service) PostUpdate(ctx context.Context, number int64, actor, text string, to Status, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	text = SanitizeText(text, MaxTextLen)
	if text == "" {
		return nil, Errorf(CodeInvalid, "an update needs text, e.g. update Failover to the standby is done")
	}
	return s.mutate(ctx, causeOf(by), number, actor, "update", func(c *change) error {
		if to != "" && to != c.inc.Status {
			if err := s.catalog.checkRequired(c.inc, stageOf(to)); err != nil {
				return err
			}
			if err := c.move(to, ""); err != nil {
				return err
			}
		}
		if !c.inc.Status.Open() && c.inc.Status != StatusResolved {
			return Errorf(CodeConflict, "%s is %s; reopen it to post updates", c.inc.Key(), c.inc.Status)
		}
		t := c.now
		c.inc.LastUpdateAt = &t
		c.record(EntryUpdate, text, map[string]string{"status": string(c.inc.Status)})
		c.post(Message{
			Title: fmt.Sprintf("Update on %s: %s", c.inc.Key(), c.inc.Title),
			Text:  text,
			Fields: []Field{
				{Label: "Status", Value: c.inc.Status.Label()},
				{Label: "Severity", Value: c.inc.Severity.String()},
				{Label: "By", Value: orNone(c.actor)},
			},
			Severity: c.inc.Severity,
		}, true)
		return nil
	})
}

// AddNote adds a line to the timeline only.
func (s *Service) AddNote(ctx context.Context, number int64, actor, text string, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	text = SanitizeText(text, MaxTextLen)
	if text == "" {
		return nil, Errorf(CodeInvalid, "a note needs text, e.g. note Rolled back deploy 1234")
	}
	return s.mutate(ctx, causeOf(by), number, actor, "note", func(c *change) error {
		c.record(EntryNote, text, nil)
		c.note("note", text)
		return nil
	})
}

// SetSeverity changes the severity; the timeline keeps old and new.
func (s *Service) SetSeverity(ctx context.Context, number int64, actor string, sev Severity, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	if !sev.Valid() {
		return nil, Errorf(CodeInvalid, "severity %d is not one of %s", int(sev), severityChoices())
	}
	return s.mutate(ctx, causeOf(by), number, actor, "severity", func(c *change) error {
		old := c.inc.Severity
		if old == sev {
			return Errorf(CodeConflict, "%s is already %s", c.inc.Key(), sev)
		}
		if c.inc.Status == StatusClosed {
			return Errorf(CodeConflict, "%s is closed", c.inc.Key())
		}
		if t, ok := s.catalog.typ(c.inc.Type); ok {
			if err := t.allows(sev); err != nil {
				return err
			}
		}
		c.inc.Severity = sev
		c.record(EntrySeverityChanged, fmt.Sprintf("Severity %s → %s", old, sev),
			map[string]string{"old": old.String(), "new": sev.String()})
		c.post(Message{Text: fmt.Sprintf("%s changed the severity of %s from %s to %s", orNone(c.actor), c.inc.Key(), old, sev)}, false)
		return nil
	})
}
