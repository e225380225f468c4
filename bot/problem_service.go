package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Problems is the problem-management half of the Service, shaped for the
// commands package, the console and the JSON API. Every change is one
// transaction that writes the problem and an audit record naming the
// actor, with the values before and after.
type Problems struct{ s *Service }

// Problems returns the Service's problem records.
func (s *Service) Problems() *Problems { return &Problems{s: s} }

// ProblemChange is a change to a problem's fields; nil leaves a field as it is.
type ProblemChange struct {
	Title      *string
	Status     *ProblemStatus
	RootCause  *string
	Workaround *string
	Owner      *string // "" clears the owner
}

// Create records a new open problem. extra may set its root cause,
// workaround and owner at once; a new problem is always open.
func (ps *Problems) Create(ctx context.Context, actor, title string, extra ProblemChange) (*Problem, error) {
	s := ps.s
	actor = normalizeUser(actor)
	if SanitizeTitle(title, MaxTitleLen) == "" {
		return nil, Errorf(CodeInvalid, "a problem needs a title, e.g. problem create Disk fills up on db hosts")
	}
	extra.Title = &title
	if err := extra.check(); err != nil {
		return nil, err
	}
	if extra.Status != nil && *extra.Status != ProblemOpen {
		return nil, Errorf(CodeInvalid, "a new problem is open: set its status once it is recorded")
	}
	extra.Status = nil
	now := s.Now()
	p := &Problem{Status: ProblemOpen, CreatedBy: actor, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := extra.apply(p, now); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx Tx) error {
		n, err := tx.NextProblemNumber(ctx)
		if err != nil {
			return err
		}
		p.Number = n
		if err := tx.CreateProblem(ctx, p); err != nil {
			return err
		}
		after := p.auditFields()
		after["problem"] = p.Key()
		if err := addProblemAudit(ctx, tx, now, actor, "problem.create", 0, nil, after); err != nil {
			return err
		}
		return ps.enqueueProblemSync(ctx, tx, p.Number, Cause{}, now)
	})
	if err != nil {
		return nil, err
	}
	s.committed()
	return p, nil
}

// Get returns one problem.
func (ps *Problems) Get(ctx context.Context, number int64) (*Problem, error) {
	p, err := ps.s.store.Problem(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(CodeNotFound, "%s does not exist", FormatProblemKey(number))
	}
	return p, err
}

// List returns the problems f selects, newest first.
func (ps *Problems) List(ctx context.Context, f ProblemFilter) ([]Problem, error) {
	return ps.s.store.Problems(ctx, f)
}

// Update applies ch to problem number. A change that changes nothing is
// CodeConflict ("already"), so a repeated command says so and writes nothing.
func (ps *Problems) Update(ctx context.Context, actor string, number int64, ch ProblemChange) (*Problem, error) {
	actor = normalizeUser(actor)
	if err := ch.check(); err != nil {
		return nil, err
	}
	var out *Problem
	err := ps.lock(ctx, number, func(tx Tx, p *Problem, now time.Time) error {
		before := p.auditFields()
		if err := ch.apply(p, now); err != nil {
			return err
		}
		b, a := diffFields(before, p.auditFields())
		if len(a) == 0 {
			return Errorf(CodeConflict, "%s is like that already", p.Key())
		}
		p.UpdatedAt = now
		p.Version++
		if err := tx.UpdateProblem(ctx, p); err != nil {
			return fmt.Errorf("update %s: %w", p.Key(), err)
		}
		a["problem"] = p.Key()
		out = p
		if err := addProblemAudit(ctx, tx, now, actor, "problem.update", 0, b, a); err != nil {
			return err
		}
		return ps.enqueueProblemSync(ctx, tx, p.Number, Cause{}, now)
	})
	if err != nil {
		return nil, err
	}
	ps.s.committed()
	return out, nil
}

// check sanitises the change's texts and refuses empty ones that must not be.
func (ch *ProblemChange) check() error {
	if ch.Title != nil {
		t := SanitizeTitle(*ch.Title, MaxTitleLen)
		if t == "" {
			return Errorf(CodeInvalid, "a problem's title cannot be empty")
		}
		ch.Title = &t
	}
	for _, f := range []struct {
		v    **string
		name string
	}{{&ch.RootCause, "root cause"}, {&ch.Workaround, "workaround"}} {
		if *f.v == nil {
			continue
		}
		t := SanitizeText(**f.v, MaxTextLen)
		if t == "" {
			return Errorf(CodeInvalid, "give the %s as text", f.name)
		}
		*f.v = &t
	}
	if ch.Owner != nil {
		o := normalizeUser(*ch.Owner)
		ch.Owner = &o
	}
	return nil
}

// apply writes the change into p; a status change stamps or clears the
// resolved and closed times.
func (ch *ProblemChange) apply(p *Problem, now time.Time) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Title, ch.Title)
	set(&p.RootCause, ch.RootCause)
	set(&p.Workaround, ch.Workaround)
	set(&p.Owner, ch.Owner)
	if ch.Status == nil || *ch.Status == p.Status {
		return nil
	}
	to := *ch.Status
	if p.Status == ProblemClosed && to != ProblemOpen {
		return Errorf(CodeConflict, "%s is closed: reopen it first (problem status %s open)", p.Key(), p.Key())
	}
	p.Status = to
	switch to {
	case ProblemOpen, ProblemKnownError:
		p.ResolvedAt, p.ClosedAt = nil, nil
	case ProblemResolved:
		t := now
		p.ResolvedAt, p.ClosedAt = &t, nil
	case ProblemClosed:
		t := now
		if p.ResolvedAt == nil {
			p.ResolvedAt = &t
		}
		p.ClosedAt = &t
	}
	return nil
}

// diffFields returns the fields of after that differ from before.
func diffFields(before, after map[string]any) (b, a map[string]any) {
	b, a = map[string]any{}, map[string]any{}
	for k, v := range after {
		if bv := before[k]; bv != v {
			a[k], b[k] = v, bv
		}
	}
	return b, a
}

// lock runs fn on a locked problem in one transaction.
func (ps *Problems) lock(ctx context.Context, number int64, fn func(tx Tx, p *Problem, now time.Time) error) error {
	s := ps.s
	return s.store.InTx(ctx, func(tx Tx) error {
		p, err := tx.LockProblem(ctx, number)
		if errors.Is(err, ErrNotFound) {
			return Errorf(CodeNotFound, "%s does not exist", FormatProblemKey(number))
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatProblemKey(number), err)
		}
		return fn(tx, p, s.Now())
	})
}

func addProblemAudit(ctx context.Context, tx Tx, at time.Time, actor, action string, incident int64, before, after map[string]any) error {
	if len(before) == 0 {
		before = nil
	}
	rec := &AuditRecord{At: at, Actor: actor, Action: action, Incident: incident, Before: before, After: after}
	if err := tx.AddAudit(ctx, rec); err != nil {
		return fmt.Errorf("add audit record: %w", err)
	}
	return nil
}
