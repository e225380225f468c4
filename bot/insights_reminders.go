package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FireReminders fires the due SLA and action-item timers, each in its own
// transaction that claims the timer row, so that a reminder or a breach is
// posted and recorded once even with several replicas. It returns how many
// fired.
func (s *Service) FireReminders(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 200
	}
	return s.fireDue(ctx, now, limit, reminderKinds, s.remind)
}

// reminderKinds are the kinds of the SLA and action-item timers.
var reminderKinds = TimerKinds{
	Kinds:    []string{TimerSLAAck, TimerSLAResolve, TimerSLAUpdate, TimerSLAPostmortem},
	Prefixes: []string{timerActionPrefix},
}

// remind writes what one SLA or action-item timer means now; a reminder
// that no longer applies is spent without effects.
func (s *Service) remind(ctx context.Context, c *change, t Timer) (bool, error) {
	action, err := s.reminderEffects(ctx, c, t)
	if err != nil || action == "" {
		return false, err
	}
	err = s.write(ctx, c.tx, c, action, nil, map[string]any{"timer": t.Kind, "level": t.Level})
	return err == nil, err
}

// reminderEffects records and posts what a timer means now, and names the
// audit action; "" when it no longer applies (the timer is then spent).
func (s *Service) reminderEffects(ctx context.Context, c *change, t Timer) (string, error) {
	inc := c.inc
	sla := s.slas[inc.Severity]
	breach := t.Level%2 == 1
	cmdr := mention(inc.Commander())
	switch t.Kind {
	case TimerSLAAck:
		if !inc.Status.Open() || inc.AcknowledgedAt != nil {
			return "", nil
		}
		return s.slaEffect(c, t, SLAAck, breach, sla.Acknowledge, "acknowledge",
			fmt.Sprintf("%s is not acknowledged yet. Acknowledge with /incident ack %s.", inc.Key(), inc.Key()), cmdr), nil
	case TimerSLAResolve:
		if !inc.Status.Open() {
			return "", nil
		}
		return s.slaEffect(c, t, SLAResolve, breach, sla.Resolve, "resolve",
			fmt.Sprintf("%s has been open for %s.", inc.Key(), FormatDuration(c.now.Sub(inc.DeclaredAt))), cmdr), nil
	case TimerSLAUpdate:
		if !inc.Status.Open() {
			return "", nil
		}
		return s.slaEffect(c, t, SLAUpdate, breach, sla.UpdateCadence, "post a status update",
			fmt.Sprintf("Post an update with /incident update %s TEXT.", inc.Key()), cmdr), nil
	case TimerSLAPostmortem:
		if inc.Status == StatusClosed || inc.ResolvedAt == nil {
			return "", nil
		}
		return s.slaEffect(c, t, SLAPostmortem, breach, sla.PostmortemDue, "finish the postmortem",
			fmt.Sprintf("Review the draft (/incident postmortem) and close %s when the postmortem is done.", inc.Key()), cmdr), nil
	}
	seq, err := strconv.Atoi(strings.TrimPrefix(t.Kind, timerActionPrefix))
	if err != nil {
		return "", nil // not ours
	}
	items, err := c.tx.IncidentActions(ctx, inc.Number)
	if err != nil {
		return "", fmt.Errorf("list action items: %w", err)
	}
	for _, a := range items {
		if a.Seq != seq || a.Status != ActionOpen || a.Due == nil {
			continue
		}
		who := mention(a.Owner)
		if who == "" {
			who = cmdr
		}
		var text string
		if c.now.Before(*a.Due) {
			text = fmt.Sprintf("action item #%d of %s is due %s: %s", a.Seq, inc.Key(), a.Due.Format(time.DateOnly), a.Title)
		} else {
			text = fmt.Sprintf("action item #%d of %s is overdue since %s: %s", a.Seq, inc.Key(), a.Due.Format(time.DateOnly), a.Title)
		}
		if id := ChatMention(a.Owner); id != "" {
			// The owner gets the reminder; the room a short note.
			due := "due " + a.Due.Format(time.DateOnly)
			if !c.now.Before(*a.Due) {
				due = "overdue since " + a.Due.Format(time.DateOnly)
			}
			c.directs = append(c.directs, DirectPayload{User: id, Message: Message{
				Title: "Action item reminder: " + inc.Key(), Incident: inc.Number,
				Text: fmt.Sprintf("Your action item #%d of %s (%s) is %s: %s. Mark it done with /incident action done %d %s.",
					a.Seq, inc.Key(), inc.Title, due, a.Title, a.Seq, inc.Key()),
				Fields: []Field{{Label: "Incident", Value: inc.Key()}, {Label: "Due", Value: a.Due.Format(time.DateOnly)}},
			}})
			c.post(Message{Text: fmt.Sprintf("Reminded %s of action item #%d (%s).", mention(a.Owner), a.Seq, due)}, false)
			return "action_reminder", nil
		}
		if who != "" {
			text = who + ": " + text
		}
		c.post(Message{Title: "Action item reminder", Text: text + fmt.Sprintf(". Mark it done with /incident action done %d.", a.Seq)}, false)
		return "action_reminder", nil
	}
	return "", nil
}

// slaEffect posts a reminder, or records and posts a breach.
func (s *Service) slaEffect(c *change, t Timer, name string, breach bool, target time.Duration, verb, hint, who string) string {
	inc := c.inc
	prefix := ""
	if who != "" {
		prefix = who + ": "
	}
	if !breach {
		left := target - time.Duration(float64(target)*s.insights.RemindAt)
		c.post(Message{Title: "SLA reminder: " + inc.Key(), Severity: inc.Severity,
			Text: fmt.Sprintf("%s%s target to %s (%s) passes in %s. %s", prefix, inc.Severity, verb, FormatDuration(target), FormatDuration(left), hint)}, false)
		s.slaDirect(c, fmt.Sprintf("The %s target to %s %s (%s) passes in %s. %s", inc.Severity, verb, inc.Key(), FormatDuration(target), FormatDuration(left), hint),
			"SLA reminder: "+inc.Key(), t.DueAt.Add(left))
		return "sla_reminder"
	}
	text := fmt.Sprintf("SLA breached: %s target to %s (%s) missed", inc.Severity, verb, FormatDuration(target))
	c.record(EntrySLABreached, text, map[string]string{"sla": name, "target": FormatDuration(target)})
	m := Message{Title: "SLA breached: " + inc.Key(), Severity: inc.Severity, Text: prefix + text + ". " + hint}
	c.post(m, false)
	s.toManagers(c, m)
	s.slaDirect(c, fmt.Sprintf("%s: the %s target to %s (%s) was missed. %s", inc.Key(), inc.Severity, verb, FormatDuration(target), hint),
		"SLA breached: "+inc.Key(), t.DueAt)
	return "sla_breach"
}

// slaDirect also sends a process-SLA reminder or breach to the person who
// answers for it, the commander, as a direct message naming the incident
// and the due time; a commander who is not a chat user gets none.
func (s *Service) slaDirect(c *change, text, title string, due time.Time) {
	id := ChatMention(c.inc.Commander())
	if id == "" {
		return
	}
	c.directs = append(c.directs, DirectPayload{User: id, Message: Message{
		Title: title, Incident: c.inc.Number, Severity: c.inc.Severity, Text: text,
		Fields: []Field{{Label: "Incident", Value: c.inc.Key() + " " + c.inc.Title}, {Label: "Due", Value: due.UTC().Format("2006-01-02 15:04 MST")}},
	}})
}

func mention(user string) string {
	if user == "" {
		return ""
	}
	return "@" + strings.TrimPrefix(user, "@")
}
