package bot

import (
	"context"
	"fmt"
	"time"
)

// Reminders of problems' action items: a direct message to the owner (an
// announcement naming them when the owner is no chat user, or nobody)
// when an open item with a due date is due within ActionRemindBefore, when
// it falls due, and every ActionRemindEvery after, ActionReminders times in
// all (InsightsConfig, as for incidents' items). Each is written once,
// across replicas: its key (PRB-3#1/2) is claimed as seen in the
// transaction that writes it.

// seenProblemReminder is the seen-key source of problem reminders.
const seenProblemReminder = "problem_reminder"

// problemReminderLevel is the reminder an item is due at now: 0 none,
// 1 before it is due, 2 when due, 3... every ActionRemindEvery after, none
// past ActionReminders.
func (c InsightsConfig) problemReminderLevel(due, now time.Time) int {
	switch {
	case now.Before(due.Add(-c.ActionRemindBefore)):
		return 0
	case now.Before(due):
		return 1
	}
	level := 2 + int(now.Sub(due)/c.ActionRemindEvery)
	if level > c.ActionReminders {
		return 0
	}
	return level
}

// FireProblemReminders announces the reminders due at now and returns how
// many it wrote.
func (s *Service) FireProblemReminders(ctx context.Context, now time.Time) (int, error) {
	if s.insights.Off || len(s.targets) == 0 {
		return 0, nil
	}
	items, err := s.store.ProblemActions(ctx, ProblemActionFilter{OpenOnly: true})
	if err != nil {
		return 0, fmt.Errorf("list problem action items: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond)
	n := 0
	for _, a := range items {
		if a.Due == nil {
			continue
		}
		level := s.insights.problemReminderLevel(*a.Due, now)
		if level == 0 {
			continue
		}
		key := fmt.Sprintf("%s#%d/%d", FormatProblemKey(a.Problem), a.Seq, level)
		err := s.store.InTx(ctx, func(tx Tx) error {
			first, err := tx.MarkSeen(ctx, seenProblemReminder, key, now)
			if err != nil || !first {
				return err
			}
			n++
			if err := addProblemAudit(ctx, tx, now, "warroom", "problem.action_reminder", 0, nil,
				map[string]any{"problem": FormatProblemKey(a.Problem), "seq": a.Seq, "level": level}); err != nil {
				return err
			}
			if id := ChatMention(a.Owner); id != "" {
				for _, t := range s.targets {
					if err := s.enqueue(ctx, tx, t, EffectDirect, 0, DirectPayload{User: id, Message: problemReminder(a, now, true)}); err != nil {
						return err
					}
				}
				return nil
			}
			return s.announce(ctx, tx, problemReminder(a, now, false))
		})
		if err != nil {
			return n, err
		}
	}
	if n > 0 {
		s.committed()
	}
	return n, nil
}

// problemReminder is one reminder, to its owner or announced.
func problemReminder(a ProblemAction, now time.Time, direct bool) Message {
	key, due := FormatProblemKey(a.Problem), "due "+a.Due.Format(time.DateOnly)
	if !now.Before(*a.Due) {
		due = "overdue since " + a.Due.Format(time.DateOnly)
	}
	who := mention(a.Owner)
	if who == "" {
		who = "Nobody owns it"
	}
	text := fmt.Sprintf("%s: action item #%d of %s is %s: %s. Mark it done with /problem action done %s %d.",
		who, a.Seq, key, due, a.Title, key, a.Seq)
	if direct {
		text = fmt.Sprintf("Your action item #%d of %s is %s: %s. Mark it done with /problem action done %s %d.",
			a.Seq, key, due, a.Title, key, a.Seq)
	}
	return Message{Title: "Problem action item reminder: " + key, Text: text,
		Fields: []Field{{Label: "Problem", Value: key}, {Label: "Due", Value: a.Due.Format(time.DateOnly)}}}
}
