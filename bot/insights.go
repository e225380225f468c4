package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// InsightsConfig configures what the Service does for process SLAs,
// action items and postmortems.
type InsightsConfig struct {
	// Postmortem drafts an incident's postmortem as markdown; nil: no
	// drafts. When an incident resolves, the draft is stored and posted to
	// its channel in the same transaction.
	Postmortem func(ctx context.Context, inc *Incident, timeline []Entry, actions []ActionItem, now time.Time) (string, error)
	// PostmortemDue turns a resolution time and the severity's
	// PostmortemDue target into the due time, e.g. counting business days
	// of a calendar; nil: resolved + target.
	PostmortemDue func(resolved time.Time, target time.Duration) time.Time
	// RemindAt is the share of an SLA target after which the incident
	// channel is reminded (0: 0.8, i.e. 4 minutes into a 5-minute target).
	RemindAt float64
	// ActionRemindBefore is how long before its due date an action item's
	// owner is reminded (0: 24h). Owners are reminded again when it falls
	// due and every ActionRemindEvery after (0: 7 days), ActionReminders
	// times at most (0: 4).
	ActionRemindBefore time.Duration
	ActionRemindEvery  time.Duration
	ActionReminders    int
	// Off turns SLA and action reminders off (postmortems stay).
	Off bool
}

// Reminder defaults, taken when InsightsConfig leaves them 0.
const (
	DefaultRemindAt           = 0.8
	DefaultActionRemindBefore = 24 * time.Hour
	DefaultActionRemindEvery  = 7 * 24 * time.Hour
)

func (c InsightsConfig) withDefaults() InsightsConfig {
	if c.RemindAt <= 0 || c.RemindAt >= 1 {
		c.RemindAt = DefaultRemindAt
	}
	if c.ActionRemindBefore <= 0 {
		c.ActionRemindBefore = DefaultActionRemindBefore
	}
	if c.ActionRemindEvery <= 0 {
		c.ActionRemindEvery = DefaultActionRemindEvery
	}
	if c.ActionReminders <= 0 {
		c.ActionReminders = 4
	}
	if c.PostmortemDue == nil {
		c.PostmortemDue = func(t time.Time, d time.Duration) time.Time { return t.Add(d) }
	}
	return c
}

// Timer kinds of process SLAs, action items and postmortems. A level's
// last bit says reminder (0) or breach (1); for update cadence and
// postmortem the rest is the anchor time in minutes, so a new anchor
// arms new timers while fired ones stay fired.
const (
	TimerSLAAck        = "sla_ack"
	TimerSLAResolve    = "sla_resolve"
	TimerSLAUpdate     = "sla_update"
	TimerSLAPostmortem = "sla_postmortem"
	timerActionPrefix  = "action:"
)

// ActionTimerKind is the timer kind of an incident's action item seq.
func ActionTimerKind(seq int) string { return timerActionPrefix + strconv.Itoa(seq) }

func anchorLevel(t time.Time, breach bool) int {
	l := int(t.Unix()/60) * 2
	if breach {
		l++
	}
	return l
}

// afterInsights keeps an incident's SLA and action timers in step and
// drafts the postmortem when it resolves. afterChange calls it in every
// change's transaction.
//
// It flushes cancels, the timer cancels of the change so far, with its own.
func (s *Service) afterInsights(ctx context.Context, tx Tx, c *change, before *Incident, cancels *timerCancels) error {
	if !s.insights.Off {
		if err := s.syncSLATimers(ctx, tx, c, before, cancels); err != nil {
			return err
		}
	}
	if err := cancels.flush(ctx, tx, c.inc.Number, c.now); err != nil {
		return err
	}
	if !s.insights.Off {
		if err := s.syncActionTimers(ctx, tx, c); err != nil {
			return err
		}
	}
	inc := c.inc
	if before != nil && before.ResolvedAt == nil && inc.ResolvedAt != nil && s.insights.Postmortem != nil {
		return s.draftPostmortem(ctx, tx, c)
	}
	return nil
}

// setPair arms the reminder and the breach timer of one target.
func (s *Service) setPair(ctx context.Context, tx Tx, inc *Incident, kind string, from time.Time, target time.Duration, remind, breach int, now time.Time) error {
	for _, t := range []*Timer{
		{Incident: inc.Number, Kind: kind, Level: remind, DueAt: from.Add(time.Duration(float64(target) * s.insights.RemindAt)), CreatedAt: now},
		{Incident: inc.Number, Kind: kind, Level: breach, DueAt: from.Add(target), CreatedAt: now},
	} {
		if err := tx.SetTimer(ctx, t); err != nil {
			return fmt.Errorf("set %s timer: %w", kind, err)
		}
	}
	return nil
}

func (s *Service) syncSLATimers(ctx context.Context, tx Tx, c *change, before *Incident, cancels *timerCancels) error {
	inc, now := c.inc, c.now
	sla := s.slas[inc.Severity]
	// Acknowledge and resolve: armed by the scheduler (ArmTimers) for a new
	// incident — most are acknowledged long before a reminder is due, so a
	// declare writes no timer rows — and moved here when the severity (so
	// the target) or the declared time changes. (A fired or canceled timer
	// stays so: a reopened incident is not reminded of its resolve target
	// again.)
	retarget := before != nil && (before.Severity != inc.Severity || !before.DeclaredAt.Equal(inc.DeclaredAt))
	switch {
	case !inc.Status.Open() || inc.AcknowledgedAt != nil || sla.Acknowledge <= 0:
		if s.mayHaveArmed(before, TimerSLAAck) {
			cancels.add(TimerSLAAck)
		}
	case retarget:
		if err := s.armSLATarget(ctx, tx, inc, TimerSLAAck, now); err != nil {
			return err
		}
	}
	switch {
	case !inc.Status.Open() || sla.Resolve <= 0:
		if s.mayHaveArmed(before, TimerSLAResolve) {
			cancels.add(TimerSLAResolve)
		}
	case retarget:
		if err := s.armSLATarget(ctx, tx, inc, TimerSLAResolve, now); err != nil {
			return err
		}
	}
	// Update cadence: from the last update (or the declaration, or the
	// reopening) while open.
	anchor := inc.DeclaredAt
	if inc.LastUpdateAt != nil && inc.LastUpdateAt.After(anchor) {
		anchor = *inc.LastUpdateAt
	}
	reopened := before != nil && !before.Status.Open() && inc.Status.Open()
	if reopened && now.After(anchor) {
		anchor = now
	}
	moved := before == nil || reopened || !sameTime(before.LastUpdateAt, inc.LastUpdateAt)
	switch {
	case !inc.Status.Open() || sla.UpdateCadence <= 0:
		if s.mayHaveArmed(before, TimerSLAUpdate) {
			cancels.add(TimerSLAUpdate)
		}
	case moved || retarget:
		// A new anchor arms new levels (the old ones are canceled); a new
		// severity moves the pending ones of the same anchor.
		if moved {
			// Canceled (with the kinds gathered so far) before the new
			// levels are set.
			cancels.add(TimerSLAUpdate)
			if err := cancels.flush(ctx, tx, inc.Number, now); err != nil {
				return err
			}
		}
		if err := s.setPair(ctx, tx, inc, TimerSLAUpdate, anchor, sla.UpdateCadence,
			anchorLevel(anchor, false), anchorLevel(anchor, true), now); err != nil {
			return err
		}
	}
	// Postmortem due: from the resolution until the incident closes.
	switch {
	case inc.Status == StatusClosed || inc.ResolvedAt == nil || sla.PostmortemDue <= 0:
		if s.mayHaveArmed(before, TimerSLAPostmortem) {
			cancels.add(TimerSLAPostmortem)
		}
	case before == nil || before.ResolvedAt == nil:
		due := s.insights.PostmortemDue(*inc.ResolvedAt, sla.PostmortemDue)
		r := *inc.ResolvedAt
		for _, t := range []*Timer{
			{Incident: inc.Number, Kind: TimerSLAPostmortem, Level: anchorLevel(r, false), DueAt: due.Add(-24 * time.Hour), CreatedAt: now},
			{Incident: inc.Number, Kind: TimerSLAPostmortem, Level: anchorLevel(r, true), DueAt: due, CreatedAt: now},
		} {
			if err := tx.SetTimer(ctx, t); err != nil {
				return fmt.Errorf("set postmortem timer: %w", err)
			}
		}
	}
	return nil
}

// armSLATarget arms the reminder and breach timers of the acknowledge or
// resolve target, counted from the declaration.
func (s *Service) armSLATarget(ctx context.Context, tx Tx, inc *Incident, kind string, now time.Time) error {
	target := s.slas[inc.Severity].Resolve
	if kind == TimerSLAAck {
		target = s.slas[inc.Severity].Acknowledge
	}
	return s.setPair(ctx, tx, inc, kind, inc.DeclaredAt, target, 0, 1, now)
}

// mayHaveArmed reports whether an incident in state before may hold
// pending timers of kind, so that a change which disarms them only cancels
// what can exist: most changes of most incidents then write no timer rows.
// A nil before (a new incident) holds none.
func (s *Service) mayHaveArmed(before *Incident, kind string) bool {
	if before == nil {
		return false
	}
	sla := s.slas[before.Severity]
	switch kind {
	case TimerSLAAck:
		return before.Status.Open() && before.AcknowledgedAt == nil && sla.Acknowledge > 0
	case TimerSLAResolve:
		return before.Status.Open() && sla.Resolve > 0
	case TimerSLAUpdate:
		return before.Status.Open() && sla.UpdateCadence > 0
	case TimerSLAPostmortem:
		return before.Status != StatusClosed && before.ResolvedAt != nil && sla.PostmortemDue > 0
	case TimerEscalate:
		return !s.liveEscalation().Off && before.Status.Open() && before.AcknowledgedAt == nil && sla.Acknowledge > 0
	}
	return true
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// syncActionTimers arms the reminders of action items added in this
// change and cancels those of items done.
func (s *Service) syncActionTimers(ctx context.Context, tx Tx, c *change) error {
	var added, done []int
	for _, e := range c.entries {
		seq, err := strconv.Atoi(e.Data["seq"])
		if err != nil {
			continue
		}
		switch e.Kind {
		case EntryActionAdded:
			added = append(added, seq)
		case EntryActionDone:
			done = append(done, seq)
		}
	}
	if len(added) > 0 {
		items, err := tx.IncidentActions(ctx, c.inc.Number)
		if err != nil {
			return fmt.Errorf("list action items: %w", err)
		}
		for _, a := range items {
			if a.Due == nil || a.Status != ActionOpen || !containsInt(added, a.Seq) {
				continue
			}
			for lvl := 0; lvl <= s.insights.ActionReminders+1; lvl++ {
				t := &Timer{Incident: a.Incident, Kind: ActionTimerKind(a.Seq), Level: lvl, DueAt: s.actionReminderAt(*a.Due, lvl), CreatedAt: c.now}
				if err := tx.SetTimer(ctx, t); err != nil {
					return fmt.Errorf("set action reminder: %w", err)
				}
			}
		}
	}
	for _, seq := range done {
		if _, err := tx.CancelTimers(ctx, c.inc.Number, []string{ActionTimerKind(seq)}, c.now); err != nil {
			return fmt.Errorf("cancel action reminders: %w", err)
		}
	}
	return nil
}

// actionReminderAt: level 0 before the due date, 1 at it, then one every
// ActionRemindEvery.
func (s *Service) actionReminderAt(due time.Time, level int) time.Time {
	switch level {
	case 0:
		return due.Add(-s.insights.ActionRemindBefore)
	case 1:
		return due
	}
	return due.Add(time.Duration(level-1) * s.insights.ActionRemindEvery)
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
