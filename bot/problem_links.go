package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Link ties incident to problem number. v is who asks: an incident v may
// not see does not exist for v. Linking twice is CodeConflict.
func (ps *Problems) Link(ctx context.Context, actor string, v Viewer, number, incident int64) (*Problem, error) {
	return ps.relink(ctx, actor, v, number, incident, true)
}

// Unlink removes the link between incident and problem number.
func (ps *Problems) Unlink(ctx context.Context, actor string, v Viewer, number, incident int64) (*Problem, error) {
	return ps.relink(ctx, actor, v, number, incident, false)
}

func (ps *Problems) relink(ctx context.Context, actor string, v Viewer, number, incident int64, link bool) (*Problem, error) {
	actor = normalizeUser(actor)
	var out *Problem
	err := ps.lock(ctx, number, func(tx Tx, p *Problem, now time.Time) error {
		inc, err := tx.LockIncident(ctx, incident)
		if errors.Is(err, ErrNotFound) || err == nil && !inc.VisibleTo(v) {
			return Errorf(CodeNotFound, "%s does not exist", FormatKey(incident))
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatKey(incident), err)
		}
		action := "problem.link"
		var changed bool
		if link {
			if p.Status == ProblemClosed {
				return Errorf(CodeConflict, "%s is closed: reopen it before linking incidents", p.Key())
			}
			changed, err = tx.LinkProblem(ctx, &ProblemLink{Problem: number, Incident: incident, LinkedAt: now, LinkedBy: actor})
			if err == nil && !changed {
				return Errorf(CodeConflict, "%s is linked to %s already", FormatKey(incident), p.Key())
			}
		} else {
			action = "problem.unlink"
			changed, err = tx.UnlinkProblem(ctx, number, incident)
			if err == nil && !changed {
				return Errorf(CodeNotFound, "%s is not linked to %s", FormatKey(incident), p.Key())
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", action, err)
		}
		out = p
		if err := addProblemAudit(ctx, tx, now, actor, action, incident, nil, map[string]any{"problem": p.Key(), "incident": FormatKey(incident)}); err != nil {
			return err
		}
		return ps.enqueueProblemSync(ctx, tx, number, Cause{}, now)
	})
	if err != nil {
		return nil, err
	}
	ps.s.committed()
	return out, nil
}

// ProblemView is a problem with what hangs off it, as v may see it.
type ProblemView struct {
	Problem   *Problem
	Incidents []*Incident // linked incidents v may see, by number
	Hidden    int         // linked private incidents v may not see
	Actions   []ProblemAction
}

// View returns problem number with its linked incidents and action items.
func (ps *Problems) View(ctx context.Context, number int64, v Viewer) (*ProblemView, error) {
	p, err := ps.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	links, err := ps.s.store.ProblemLinks(ctx, ProblemLinkFilter{Problem: number})
	if err != nil {
		return nil, fmt.Errorf("read links of %s: %w", p.Key(), err)
	}
	view := &ProblemView{Problem: p}
	for _, l := range links {
		inc, err := ps.s.Get(ctx, l.Incident)
		if err != nil {
			return nil, err
		}
		if !inc.VisibleTo(v) {
			view.Hidden++
			continue
		}
		view.Incidents = append(view.Incidents, inc)
	}
	if view.Actions, err = ps.s.store.ProblemActions(ctx, ProblemActionFilter{Problem: number}); err != nil {
		return nil, fmt.Errorf("read action items of %s: %w", p.Key(), err)
	}
	return view, nil
}

// OfIncident lists the problems an incident is linked to.
func (ps *Problems) OfIncident(ctx context.Context, incident int64) ([]Problem, error) {
	links, err := ps.s.store.ProblemLinks(ctx, ProblemLinkFilter{Incident: incident})
	if err != nil {
		return nil, fmt.Errorf("read problem links of %s: %w", FormatKey(incident), err)
	}
	out := make([]Problem, 0, len(links))
	for _, l := range links {
		p, err := ps.Get(ctx, l.Problem)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// Links lists links as the store holds them (insights, the API).
func (ps *Problems) Links(ctx context.Context, f ProblemLinkFilter) ([]ProblemLink, error) {
	return ps.s.store.ProblemLinks(ctx, f)
}
