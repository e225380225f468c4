package bot

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// AddAction adds an action item to problem number; it stays open whatever
// happens to the incidents linked to the problem.
func (ps *Problems) AddAction(ctx context.Context, actor string, number int64, in ActionInput) (*ProblemAction, error) {
	actor = normalizeUser(actor)
	title := SanitizeTitle(in.Title, MaxTitleLen)
	if title == "" {
		return nil, Errorf(CodeInvalid, "an action item needs text, e.g. problem action add PRB-3 Rotate the disks @bob due:2026-12-01")
	}
	kind := in.Kind
	if kind == "" {
		kind = ActionCorrective
	}
	if _, err := ParseActionKind(string(kind)); err != nil {
		return nil, err
	}
	var item *ProblemAction
	err := ps.lock(ctx, number, func(tx Tx, p *Problem, now time.Time) error {
		if p.Status == ProblemClosed {
			return Errorf(CodeConflict, "%s is closed: reopen it before adding action items", p.Key())
		}
		existing, err := tx.ActionsOfProblem(ctx, number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		seq := 1
		for _, a := range existing {
			seq = max(seq, a.Seq+1)
		}
		item = &ProblemAction{Problem: number, Seq: seq, Title: title, Owner: normalizeUser(in.Owner), Kind: kind,
			Status: ActionOpen, CreatedAt: now}
		if in.Due != nil {
			d := in.Due.UTC()
			item.Due = &d
		}
		if err := tx.AddProblemAction(ctx, item); err != nil {
			return fmt.Errorf("add action item: %w", err)
		}
		after := map[string]any{"problem": p.Key(), "seq": seq, "kind": string(kind), "title": title, "owner": item.Owner}
		if item.Due != nil {
			after["due"] = item.Due.Format(time.DateOnly)
		}
		return addProblemAudit(ctx, tx, now, actor, "problem.action_add", 0, nil, after)
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}

// CompleteAction marks action item seq of problem number done.
func (ps *Problems) CompleteAction(ctx context.Context, actor string, number int64, seq int) (*ProblemAction, error) {
	actor = normalizeUser(actor)
	var item *ProblemAction
	err := ps.lock(ctx, number, func(tx Tx, p *Problem, now time.Time) error {
		items, err := tx.ActionsOfProblem(ctx, number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		i := slices.IndexFunc(items, func(a ProblemAction) bool { return a.Seq == seq })
		if i < 0 {
			return Errorf(CodeNotFound, "%s has no action item #%d", p.Key(), seq)
		}
		item = &items[i]
		if item.Status == ActionDone {
			return Errorf(CodeConflict, "action item #%d of %s is already done", seq, p.Key())
		}
		t := now
		item.Status, item.DoneAt = ActionDone, &t
		if err := tx.UpdateProblemAction(ctx, item); err != nil {
			return fmt.Errorf("update action item: %w", err)
		}
		return addProblemAudit(ctx, tx, now, actor, "problem.action_done", 0, map[string]any{"status": string(ActionOpen)},
			map[string]any{"problem": p.Key(), "seq": seq, "status": string(ActionDone)})
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}

// Actions lists problem action items f selects, soonest due first.
func (ps *Problems) Actions(ctx context.Context, f ProblemActionFilter) ([]ProblemAction, error) {
	items, err := ps.s.store.ProblemActions(ctx, f)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(items, func(x, y ProblemAction) int {
		if c := CompareDue(x.Due, y.Due); c != 0 {
			return c
		}
		if x.Problem != y.Problem {
			return int(x.Problem - y.Problem)
		}
		return x.Seq - y.Seq
	})
	return items, nil
}
