package bot

import (
	"context"
	"fmt"
	"time"
)

// ActionInput describes a new action item.
type ActionInput struct {
	Title string
	Owner string
	Due   *time.Time
	Kind  ActionKind // "": corrective
}

// AddAction adds an action item to an incident; it stays open after the
// incident closes. It returns the new item.
func (s *Service) AddAction(ctx context.Context, number int64, actor string, in ActionInput) (*ActionItem, error) {
	actor = normalizeUser(actor)
	title := SanitizeTitle(in.Title, MaxTitleLen)
	if title == "" {
		return nil, Errorf(CodeInvalid, "an action item needs text, e.g. action add Add disk alerts @bob due:2026-12-01")
	}
	kind := in.Kind
	if kind == "" {
		kind = ActionCorrective
	}
	if _, err := ParseActionKind(string(kind)); err != nil {
		return nil, err
	}
	var item *ActionItem
	_, err := s.mutate(ctx, Cause{}, number, actor, "action_add", func(c *change) error {
		existing, err := c.tx.IncidentActions(ctx, number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		seq := 1
		for _, a := range existing {
			seq = max(seq, a.Seq+1)
		}
		item = &ActionItem{
			Incident: number, Seq: seq, Title: title, Owner: normalizeUser(in.Owner), Kind: kind,
			Status: ActionOpen, CreatedAt: c.now,
		}
		if in.Due != nil {
			d := in.Due.UTC()
			item.Due = &d
		}
		if err := c.tx.AddAction(ctx, item); err != nil {
			return fmt.Errorf("add action item: %w", err)
		}
		text := fmt.Sprintf("action #%d (%s): %s", seq, kind, title)
		data := map[string]string{"seq": fmt.Sprint(seq), "kind": string(kind), "owner": item.Owner}
		if item.Due != nil {
			data["due"] = item.Due.Format(time.DateOnly)
		}
		c.record(EntryActionAdded, text, data)
		c.note("action", text)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}

// CompleteAction marks action item seq of an incident done. cause says
// where it came from (the zero Cause: warroom).
func (s *Service) CompleteAction(ctx context.Context, cause Cause, number int64, actor string, seq int) (*ActionItem, error) {
	actor = normalizeUser(actor)
	var item *ActionItem
	_, err := s.mutate(ctx, cause, number, actor, "action_done", func(c *change) error {
		items, err := c.tx.IncidentActions(ctx, number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		for i := range items {
			if items[i].Seq == seq {
				item = &items[i]
			}
		}
		if item == nil {
			return Errorf(CodeNotFound, "%s has no action item #%d", FormatKey(number), seq)
		}
		if item.Status == ActionDone {
			return Errorf(CodeConflict, "action item #%d of %s is already done", seq, FormatKey(number))
		}
		t := c.now
		item.Status, item.DoneAt = ActionDone, &t
		if err := c.tx.UpdateAction(ctx, item); err != nil {
			return fmt.Errorf("update action item: %w", err)
		}
		c.record(EntryActionDone, fmt.Sprintf("action #%d done: %s", seq, item.Title), map[string]string{"seq": fmt.Sprint(seq)})
		c.note("action_done", seq)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return item, nil
}
