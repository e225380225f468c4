package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AssignRole gives a role to a user. The role is built in or configured.
func (s *Service) AssignRole(ctx context.Context, number int64, actor, role, user string, by ...Cause) (*Incident, error) {
	actor = normalizeUser(actor)
	role = strings.ToLower(strings.TrimSpace(role))
	if !slices.Contains(s.roles, role) {
		return nil, Errorf(CodeInvalid, "role %q is not one of %s", role, strings.Join(s.roles, ", "))
	}
	user = normalizeUser(user)
	if user == "" {
		return nil, Errorf(CodeInvalid, "name who takes the role, e.g. role %s @alice", role)
	}
	return s.mutate(ctx, causeOf(by), number, actor, "role", func(c *change) error {
		if c.inc.Status == StatusClosed {
			return Errorf(CodeConflict, "%s is closed", c.inc.Key())
		}
		old := c.inc.Roles[role]
		if old == user {
			return Errorf(CodeConflict, "%s is already %s of %s", user, role, c.inc.Key())
		}
		if c.inc.Roles == nil {
			c.inc.Roles = map[string]string{}
		}
		c.inc.Roles[role] = user
		text := fmt.Sprintf("%s is now %s", user, role)
		if old != "" {
			text += " (was " + old + ")"
		}
		c.record(EntryRoleAssigned, text, map[string]string{"role": role, "old": old, "new": user})
		c.post(Message{Text: text + " of " + c.inc.Key()}, false)
		return nil
	})
}

// SetField changes the title, summary, impact or service.
func (s *Service) SetField(ctx context.Context, number int64, actor string, field TextField, value string) (*Incident, error) {
	actor = normalizeUser(actor)
	switch field {
	case FieldTitle:
		value = SanitizeTitle(value, MaxTitleLen)
		if value == "" {
			return nil, Errorf(CodeInvalid, "a title cannot be empty")
		}
	case FieldService:
		value = SanitizeTitle(value, MaxNameLen)
	default:
		value = SanitizeText(value, MaxTextLen)
	}
	return s.mutate(ctx, Cause{}, number, actor, "edit", func(c *change) error {
		if c.inc.Status == StatusClosed {
			return Errorf(CodeConflict, "%s is closed", c.inc.Key())
		}
		ref := c.inc.fieldRef(field)
		old := *ref
		if old == value {
			return Errorf(CodeConflict, "%s of %s is already that", field, c.inc.Key())
		}
		*ref = value
		c.record(EntryFieldChanged, fmt.Sprintf("Changed the %s", field),
			map[string]string{"field": string(field), "old": old, "new": value})
		return nil
	})
}

// SetTime edits one of the incident's times; a zero t clears an optional
// one. When a commander is assigned, only the commander may do it.
func (s *Service) SetTime(ctx context.Context, number int64, actor string, field TimeField, t time.Time) (*Incident, error) {
	actor = normalizeUser(actor)
	t = t.UTC()
	return s.mutate(ctx, Cause{}, number, actor, "time", func(c *change) error {
		inc := c.inc
		if cmd := inc.Commander(); cmd != "" && !strings.EqualFold(cmd, actor) {
			return Errorf(CodeForbidden, "only the commander (%s) can edit the times of %s", cmd, inc.Key())
		}
		if t.After(c.now.Add(time.Minute)) {
			return Errorf(CodeInvalid, "%s time %s is in the future", field, t.Format(time.RFC3339))
		}
		fixed, optional := inc.timeRef(field)
		var old string
		if fixed != nil {
			if t.IsZero() {
				return Errorf(CodeInvalid, "the %s time cannot be cleared", field)
			}
			old = fmtTime(fixed)
			*fixed = t
		} else {
			old = fmtTime(*optional)
			if t.IsZero() {
				*optional = nil
			} else {
				v := t
				*optional = &v
			}
		}
		if err := inc.checkTimes(); err != nil {
			return err
		}
		newV := ""
		if !t.IsZero() {
			newV = fmtTime(&t)
		}
		c.record(EntryTimeChanged, fmt.Sprintf("Set the %s time to %s", field, orNone(newV)),
			map[string]string{"field": string(field), "old": old, "new": newV})
		return nil
	})
}

// checkTimes keeps the times in their natural order.
func (inc *Incident) checkTimes() error {
	if inc.DeclaredAt.Before(inc.StartedAt) {
		return Errorf(CodeInvalid, "the started time must not be after the declared time")
	}
	for _, f := range []TimeField{TimeAcknowledged, TimeMitigated, TimeResolved, TimeClosed} {
		_, p := inc.timeRef(f)
		if *p != nil && (*p).Before(inc.StartedAt) {
			return Errorf(CodeInvalid, "the %s time must not be before the started time", f)
		}
	}
	if inc.ResolvedAt != nil && inc.ClosedAt != nil && inc.ClosedAt.Before(*inc.ResolvedAt) {
		return Errorf(CodeInvalid, "the closed time must not be before the resolved time")
	}
	return nil
}

// LinkChannel records the chat channel a platform created for an incident.
func (s *Service) LinkChannel(ctx context.Context, number int64, platform, channel string) (*Incident, error) {
	return s.linkChannel(ctx, Cause{}, number, platform, channel)
}

// LinkChannelShown is LinkChannel for a platform that shows the incident's
// cards from the incident it returns, right after, in the same job (the
// console): the link writes no card job back to that platform, whose card
// would only render the same again. Every other target gets its card job.
func (s *Service) LinkChannelShown(ctx context.Context, number int64, platform, channel string) (*Incident, error) {
	return s.linkChannel(ctx, Cause{Origin: platform}, number, platform, channel)
}

func (s *Service) linkChannel(ctx context.Context, cause Cause, number int64, platform, channel string) (*Incident, error) {
	return s.mutate(ctx, cause, number, "warroom", "link_channel", func(c *change) error {
		if c.inc.Channels[platform] == channel {
			return nil
		}
		if err := c.tx.LinkChannel(ctx, number, platform, channel); err != nil {
			return fmt.Errorf("link channel: %w", err)
		}
		if c.inc.Channels == nil {
			c.inc.Channels = map[string]string{}
		}
		c.inc.Channels[platform] = channel
		c.record(EntryChannelLinked, fmt.Sprintf("%s channel %s", platform, channel), map[string]string{"platform": platform, "channel": channel})
		return nil
	})
}

// SetLink records the incident's counterpart in another system. cause
// says where the link came from: a system linking its own record (Jira
// after creating the issue) gets no job back about it.
func (s *Service) SetLink(ctx context.Context, cause Cause, number int64, actor, system string, l Link) (*Incident, error) {
	actor = normalizeUser(actor)
	return s.mutate(ctx, cause, number, actor, "link", func(c *change) error {
		if old, ok := c.inc.Links[system]; ok && old == l {
			return nil
		}
		if c.inc.Links == nil {
			c.inc.Links = map[string]Link{}
		}
		c.inc.Links[system] = l
		c.record(EntryTicketLinked, fmt.Sprintf("linked %s %s", linkLabel(system), l.ID),
			map[string]string{"system": system, "id": l.ID, "url": l.URL})
		return nil
	})
}
