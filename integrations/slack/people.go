package slack

import (
	"context"
	"slices"

	"github.com/warroom/warroom/bot"
)

func peopleRef(inc *bot.Incident) string { return "people:" + inc.Key() }

// invitePeople adds to the incident channel everyone who belongs there
// besides those invite adds: every role holder and the incident's
// responders (its alert route's and its service's), user groups expanded
// to their members. Who was invited is recorded, so a retry or a later
// card edit invites only newcomers (a new scribe).
func (s *Slack) invitePeople(ctx context.Context, inc *bot.Incident, ch string) error {
	people := bot.RoomMembers(inc)
	if len(people) == 0 {
		return nil
	}
	pm, rec, err := s.load(ctx, peopleRef(inc))
	if err != nil {
		return err
	}
	var want, groups []string
	for _, p := range people {
		switch {
		case userID.MatchString(p):
			want = append(want, p)
		case subteamID.MatchString(p) && !slices.Contains(rec.Users, p): // a group is expanded once
			members, err := s.groupMembers(ctx, p)
			if err != nil {
				return err
			}
			want = append(want, members...)
			groups = append(groups, p)
		}
	}
	var users []string
	for _, u := range want {
		if userID.MatchString(u) && u != s.botUserID() && !slices.Contains(rec.Users, u) && !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	if len(users) == 0 && len(groups) == 0 {
		return nil
	}
	rec.Users = append(rec.Users, groups...)
	for _, u := range users {
		err := s.call(ctx, "", callRead, "conversations.invite", func(ctx context.Context) error {
			_, err := s.api.InviteUsersToConversationContext(ctx, ch, u)
			return err
		})
		switch code := slackCode(err); code {
		case "", "already_in_channel", "cant_invite_self":
		case "user_not_found", "user_is_inactive", "cant_invite", "user_is_restricted", "ura_max_channels", "missing_scope":
			s.log.Warn("could not invite to incident channel", "incident", inc.Key(), "user", u, "slack_error", code)
		default:
			return err
		}
		rec.Users = append(rec.Users, u)
	}
	if pm == nil {
		pm = &bot.PostedMessage{Channel: ch, Ref: peopleRef(inc), Incident: inc.Number}
	}
	return s.save(ctx, pm, rec)
}

// groupMembers lists a user group's members; a group Slack refuses for
// good is logged and counts as empty.
func (s *Slack) groupMembers(ctx context.Context, group string) ([]string, error) {
	var members []string
	err := s.call(ctx, "", callRead, "usergroups.users.list", func(ctx context.Context) error {
		var err error
		members, err = s.api.GetUserGroupMembersContext(ctx, group)
		return err
	})
	if err != nil {
		if bot.IsPermanent(err) {
			s.log.Warn("could not list user group", "group", group, "err", err)
			return nil, nil
		}
		return nil, err
	}
	return members, nil
}
