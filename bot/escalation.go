package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EscalationConfig says when an unacknowledged incident escalates.
type EscalationConfig struct {
	// Off turns escalation off.
	Off bool
	// Levels are multiples of the severity's Acknowledge target at which
	// the incident escalates, one level each; nil means 1, 2, 3.
	Levels []int
	// Mention is who is always mentioned when an incident escalates
	// (e.g. "@sre-oncall"), besides the commander.
	Mention []string
}

// DefaultEscalationLevels escalate at 1×, 2× and 3× the acknowledge target.
var DefaultEscalationLevels = []int{1, 2, 3}

func (c EscalationConfig) levels() []int {
	if c.Levels == nil {
		return DefaultEscalationLevels
	}
	return c.Levels
}

func validateEscalation(c EscalationConfig) error {
	prev := 0
	for _, l := range c.levels() {
		if l <= prev {
			return fmt.Errorf("escalation levels must be positive and increasing, got %v", c.Levels)
		}
		prev = l
	}
	return nil
}

// syncTimers keeps an incident's escalation timers in step with it: armed
// (at its current severity's target) while it is open and unacknowledged,
// canceled otherwise. before is the incident before the change (nil for a
// new incident, or when the timers' state is unknown and must be written):
// only a change that arms, moves or disarms them writes timer rows.
func (s *Service) syncTimers(ctx context.Context, tx Tx, inc, before *Incident, now time.Time) error {
	if s.escalation.Off {
		return nil
	}
	target := s.slas[inc.Severity].Acknowledge
	if !inc.Status.Open() || inc.AcknowledgedAt != nil || target <= 0 {
		if before == nil || s.mayHaveArmed(before, TimerEscalate) {
			if _, err := tx.CancelTimers(ctx, inc.Number, TimerEscalate, now); err != nil {
				return fmt.Errorf("cancel escalation timers: %w", err)
			}
		}
		return nil
	}
	if before != nil && s.mayHaveArmed(before, TimerEscalate) &&
		before.Severity == inc.Severity && before.DeclaredAt.Equal(inc.DeclaredAt) {
		return nil // armed already, at the same times
	}
	for i, m := range s.escalation.levels() {
		t := &Timer{Incident: inc.Number, Kind: TimerEscalate, Level: i + 1, DueAt: inc.DeclaredAt.Add(time.Duration(m) * target), CreatedAt: now}
		if err := tx.SetTimer(ctx, t); err != nil {
			return fmt.Errorf("set escalation timer: %w", err)
		}
	}
	return nil
}

// ArmTimers arms the escalation timers and the acknowledge and resolve SLA
// timers of an open incident, at its current severity. Declaring writes no
// timer rows — most incidents are acknowledged long before any is due —
// so the scheduler calls this for every open incident it has not armed yet;
// the due times count from the declaration, so arming a tick later changes
// no deadline. It is idempotent: pending timers move, fired and canceled
// ones stay as they are.
func (s *Service) ArmTimers(ctx context.Context, number int64) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		inc, err := tx.LockIncident(ctx, number)
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatKey(number), err)
		}
		now := s.Now()
		if err := s.syncTimers(ctx, tx, inc, nil, now); err != nil {
			return err
		}
		if s.insights.Off || !inc.Status.Open() {
			return nil
		}
		sla := s.slas[inc.Severity]
		if inc.AcknowledgedAt == nil && sla.Acknowledge > 0 {
			if err := s.armSLATarget(ctx, tx, inc, TimerSLAAck, now); err != nil {
				return err
			}
		}
		if sla.Resolve > 0 {
			return s.armSLATarget(ctx, tx, inc, TimerSLAResolve, now)
		}
		return nil
	})
}

// Escalate fires the escalation timers due at now, each in its own
// transaction, and returns how many escalated. Several replicas may call it
// at once: a timer fires once.
func (s *Service) Escalate(ctx context.Context, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		limit = 100
	}
	due, err := s.store.DueTimers(ctx, now, limit)
	if err != nil {
		return 0, fmt.Errorf("list due timers: %w", err)
	}
	n := 0
	var errs []error
	for _, t := range due {
		if t.Kind != TimerEscalate {
			continue
		}
		fired, err := s.fireEscalation(ctx, t, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fired {
			n++
		}
	}
	if n > 0 {
		s.committed()
	}
	return n, errors.Join(errs...)
}

// fireEscalation escalates one timer's incident. It locks the incident
// before the timer, in the order every other change takes them.
func (s *Service) fireEscalation(ctx context.Context, t Timer, now time.Time) (bool, error) {
	fired := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		inc, err := tx.LockIncident(ctx, t.Incident)
		if err != nil {
			return fmt.Errorf("load %s: %w", FormatKey(t.Incident), err)
		}
		if _, err := tx.ClaimTimer(ctx, t.ID, now); errors.Is(err, ErrNotFound) {
			return nil // fired, canceled or taken by another replica
		} else if err != nil {
			return fmt.Errorf("claim timer: %w", err)
		}
		if !inc.Status.Open() || inc.AcknowledgedAt != nil {
			_, err := tx.CancelTimers(ctx, inc.Number, TimerEscalate, now)
			return err
		}
		c := &change{inc: inc, actor: "warroom", now: s.Now(), tx: tx}
		s.escalationEffects(ctx, c, t.Level)
		if err := s.write(ctx, tx, c, "escalate", nil, map[string]any{"escalation_level": t.Level}); err != nil {
			return err
		}
		p := s.pagePayload(inc, "warroom")
		p.Level = t.Level
		p.Summary = fmt.Sprintf("ESCALATED (level %d, not acknowledged): %s", t.Level, p.Summary)
		for _, target := range s.paging.Targets {
			if err := s.enqueuePage(ctx, tx, inc, target, EffectEscalate, p); err != nil {
				return err
			}
		}
		if err := tx.FireTimer(ctx, t.ID, now); err != nil {
			return fmt.Errorf("fire timer: %w", err)
		}
		fired = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("escalate %s level %d: %w", FormatKey(t.Incident), t.Level, err)
	}
	return fired, nil
}

// escalationEffects records the escalation and mentions who must act.
func (s *Service) escalationEffects(_ context.Context, c *change, level int) {
	inc := c.inc
	waited := c.now.Sub(inc.DeclaredAt)
	var who []string
	for _, m := range s.escalation.Mention {
		who = appendMention(who, m)
	}
	who = appendMention(who, inc.Commander())
	text := fmt.Sprintf("%s is not acknowledged after %s: escalation level %d", inc.Key(), FormatDuration(waited), level)
	c.record(EntryEscalated, text, map[string]string{
		"level": strconv.Itoa(level), "waited": FormatDuration(waited),
		"target": FormatDuration(s.slas[inc.Severity].Acknowledge), "mentioned": strings.Join(who, " "),
	})
	msg := text
	if len(who) > 0 {
		msg = strings.Join(who, " ") + ": " + text + ". Acknowledge with /incident ack " + inc.Key() + "."
	}
	c.post(Message{Title: "Escalation: " + inc.Key(), Text: msg, Severity: inc.Severity}, level > 1)
}

func appendMention(list []string, user string) []string {
	user = strings.TrimSpace(user)
	if user == "" {
		return list
	}
	if !strings.HasPrefix(user, "@") {
		user = "@" + user
	}
	for _, u := range list {
		if strings.EqualFold(u, user) {
			return list
		}
	}
	return append(list, user)
}
