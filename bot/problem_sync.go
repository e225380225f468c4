package bot

import (
	"context"
	"fmt"
	"maps"
	"time"
)

// Problems in ticket systems: a ticket target whose TicketTarget.Problems
// is set keeps a record of every problem (ServiceNow's problem table). Each
// change to a problem writes one EffectProblemSync job per such target in
// its transaction; the job makes the record match the problem as it is
// when it runs, creating it first (found again by its correlation id after
// an unknown outcome, never created twice) and linking it (SetLink).

// ProblemSync is the payload of an EffectProblemSync job.
type ProblemSync struct {
	Problem int64 `json:"problem"`
}

// enqueueProblemSync writes a sync job for problem number to every ticket
// target that keeps problems, but the one the change came from.
func (ps *Problems) enqueueProblemSync(ctx context.Context, tx Tx, number int64, cause Cause, now time.Time) error {
	for _, t := range ps.s.tickets.Targets {
		if !t.Problems || t.Name == cause.Origin {
			continue
		}
		j, err := NewJob(t.Name, EffectProblemSync, 0, ProblemSync{Problem: number}, now)
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, j); err != nil {
			return fmt.Errorf("enqueue %s: %w", j.Kind, err)
		}
	}
	return nil
}

// SyncsProblems reports whether a ticket target keeps problems.
func (ps *Problems) SyncsProblems() bool {
	for _, t := range ps.s.tickets.Targets {
		if t.Problems {
			return true
		}
	}
	return false
}

// SetLink records the problem's record in a ticket system (the sync that
// created or found it: cause.Origin). The same link again changes nothing.
func (ps *Problems) SetLink(ctx context.Context, cause Cause, number int64, system string, l Link) (*Problem, error) {
	var out *Problem
	err := ps.lock(ctx, number, func(tx Tx, p *Problem, now time.Time) error {
		out = p
		if old, ok := p.Links[system]; ok && old == l {
			return nil
		}
		links := maps.Clone(p.Links)
		if links == nil {
			links = map[string]Link{}
		}
		links[system] = l
		p.Links = links
		p.UpdatedAt = now
		p.Version++
		if err := tx.UpdateProblem(ctx, p); err != nil {
			return fmt.Errorf("update %s: %w", p.Key(), err)
		}
		if err := addProblemAudit(ctx, tx, now, "warroom", "problem.link_ticket", 0, nil,
			map[string]any{"problem": p.Key(), "system": system, "id": l.ID, "url": l.URL}); err != nil {
			return err
		}
		return ps.enqueueProblemSync(ctx, tx, number, cause, now)
	})
	if err != nil {
		return nil, err
	}
	ps.s.committed()
	return out, nil
}
