package bot

import (
	"context"
	"fmt"
	"slices"
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
	// Managers is a chat channel that also gets SLA breaches and the last
	// escalation level, for the people who answer for the SLA; "": none.
	Managers string
}

// DefaultCheckInterval is how often due timers (escalations, SLA and
// action-item reminders), maintenance announcements and digest slots are
// looked for, unless configured otherwise: how late, at most, a due timer
// fires.
const DefaultCheckInterval = 15 * time.Second

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
//
// A cancel is added to cancels, which the caller flushes.
func (s *Service) syncTimers(ctx context.Context, tx Tx, inc, before *Incident, now time.Time, cancels *timerCancels) error {
	if s.liveEscalation().Off {
		return nil
	}
	target := s.slas[inc.Severity].Acknowledge
	if !inc.Status.Open() || inc.AcknowledgedAt != nil || target <= 0 {
		if before == nil || s.mayHaveArmed(before, TimerEscalate) {
			cancels.add(TimerEscalate)
		}
		return nil
	}
	if before != nil && s.mayHaveArmed(before, TimerEscalate) &&
		before.Severity == inc.Severity && before.DeclaredAt.Equal(inc.DeclaredAt) {
		return nil // armed already, at the same times
	}
	for i, m := range s.liveEscalation().levels() {
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
		var cancels timerCancels
		if err := s.syncTimers(ctx, tx, inc, nil, now, &cancels); err != nil {
			return err
		}
		if err := cancels.flush(ctx, tx, inc.Number, now); err != nil {
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
	return s.fireDue(ctx, now, limit, TimerKinds{Kinds: []string{TimerEscalate}}, s.escalate)
}

// escalate records one escalation level of c's incident, mentions who must
// act and re-pages; an incident acknowledged or closed meanwhile is left be.
func (s *Service) escalate(ctx context.Context, c *change, t Timer) (bool, error) {
	inc := c.inc
	if !inc.Status.Open() || inc.AcknowledgedAt != nil {
		return false, nil
	}
	s.escalationEffects(ctx, c, t.Level)
	if err := s.write(ctx, c.tx, c, "escalate", nil, map[string]any{"escalation_level": t.Level}); err != nil {
		return false, err
	}
	p := s.pagePayload(inc, "warroom")
	p.Level = t.Level
	p.Summary = fmt.Sprintf("ESCALATED (level %d, not acknowledged): %s", t.Level, p.Summary)
	for _, target := range s.paging.Targets {
		if err := s.enqueuePage(ctx, c.tx, inc, target, EffectEscalate, p); err != nil {
			return false, err
		}
	}
	return true, nil
}

// escalationEffects records the escalation and mentions who must act:
// the configured mentions, the commander and the responders, as real
// mentions wherever they are chat ids (see ChatMention).
func (s *Service) escalationEffects(_ context.Context, c *change, level int) {
	inc := c.inc
	waited := c.now.Sub(inc.DeclaredAt)
	var who, ids []string
	add := func(m string) {
		if id := ChatMention(m); id != "" {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
			return
		}
		who = appendMention(who, m)
	}
	for _, m := range s.liveEscalation().Mention {
		add(m)
	}
	add(inc.Commander())
	for _, r := range inc.Responders {
		add(r)
	}
	named := append(slices.Clone(who), ids...)
	text := fmt.Sprintf("%s is not acknowledged after %s: escalation level %d", inc.Key(), FormatDuration(waited), level)
	c.record(EntryEscalated, text, map[string]string{
		"level": strconv.Itoa(level), "waited": FormatDuration(waited),
		"target": FormatDuration(s.slas[inc.Severity].Acknowledge), "mentioned": strings.Join(named, " "),
	})
	msg := text
	if len(who) > 0 {
		msg = strings.Join(who, " ") + ": " + text
	}
	msg += ". Acknowledge with /incident ack " + inc.Key() + "."
	if len(who) == 0 && len(ids) == 0 {
		msg = text
	}
	m := Message{Title: "Escalation: " + inc.Key(), Text: msg, Severity: inc.Severity, Mentions: ids, OnCall: true}
	c.post(m, level > 1)
	if level >= len(s.liveEscalation().levels()) {
		m.Text, m.Mentions, m.OnCall = text+" (the last level).", nil, false
		s.toManagers(c, m)
	}
}

// ManagersChannel is the managers' channel (EscalationConfig.Managers, as
// reloaded), "" when none is configured.
func (s *Service) ManagersChannel() string { return s.liveEscalation().Managers }

// toManagers sends m, about c's incident, to the managers' channel
// (EscalationConfig.Managers) as well, when one is configured.
func (s *Service) toManagers(c *change, m Message) {
	if s.liveEscalation().Managers == "" || c.inc.Private {
		return
	}
	m.Incident = c.inc.Number
	if s.public != "" {
		m.Footer = s.public + "/incidents/" + c.inc.Key()
	}
	c.managers = append(c.managers, m)
}

// ChatMention returns the chat id a mention names, or "" when it names
// no id (a plain @name): a Slack user (U…, W…, or <@U…>), a Slack user
// group (S… or <!subteam^S…>), a Discord user (its id, or <@id>) or role
// (role:ID or <@&ID>).
func ChatMention(m string) string {
	m = strings.TrimSpace(m)
	switch {
	case strings.HasPrefix(m, "<!subteam^") && strings.HasSuffix(m, ">"):
		m, _, _ = strings.Cut(strings.TrimSuffix(strings.TrimPrefix(m, "<!subteam^"), ">"), "|")
	case strings.HasPrefix(m, "<@&") && strings.HasSuffix(m, ">"):
		m = ResponderRolePrefix + strings.TrimSuffix(strings.TrimPrefix(m, "<@&"), ">")
	case strings.HasPrefix(m, "<@") && strings.HasSuffix(m, ">"):
		m, _, _ = strings.Cut(strings.TrimSuffix(strings.TrimPrefix(m, "<@"), ">"), "|")
		m = strings.TrimPrefix(m, "!")
	default:
		m = strings.TrimPrefix(m, "@")
	}
	if chatID(m) {
		return m
	}
	return ""
}

// chatID reports whether id looks like a chat id: a Slack user or group
// (U, W or S and 2-20 upper-case letters and digits), a Discord id (15-20
// digits), or role: and a Discord id.
func chatID(id string) bool {
	if r, ok := strings.CutPrefix(id, ResponderRolePrefix); ok {
		return discordID(r)
	}
	if discordID(id) {
		return true
	}
	if len(id) < 3 || len(id) > 21 || !strings.ContainsRune("UWS", rune(id[0])) {
		return false
	}
	for _, r := range id[1:] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func discordID(id string) bool {
	if len(id) < 15 || len(id) > 20 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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
