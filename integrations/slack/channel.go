package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// maxNameTries is how many names ensureChannel tries: inc-42-title,
// inc-42-title-2, … when a name is taken.
const maxNameTries = 10

// maxListPages bounds the conversations.list pages read looking for a
// channel an earlier attempt created (1000 channels a page).
const maxListPages = 50

// ensureChannel returns the incident's Slack channel, creating it (private
// when the incident is) and linking it to the incident on first use, so that
// commands typed in it act on the incident.
//
// It is idempotent across crashes: a channel is never created twice for an
// incident. Before each conversations.create, the name asked for is
// recorded under channelRef; as soon as Slack answers, the channel's id is
// recorded there in its own transaction (even when the job's context has
// been cancelled), before anything else is done with it. A retry that finds
// an id adopts that channel. A retry whose earlier create got no answer
// (warroom died, or the answer was lost, after Slack created the channel)
// meets name_taken: it then looks the name up and adopts the channel when
// it is ours (see ours: the bot created it after asking for the name, or
// for this incident, as its topic says); only otherwise does it go on to
// the next name.
func (s *Slack) ensureChannel(ctx context.Context, inc *bot.Incident) (*bot.Incident, string, error) {
	if ch := inc.Channels[Platform]; ch != "" {
		return inc, ch, nil
	}
	pm, rec, err := s.load(ctx, channelRef(inc))
	if err != nil {
		return nil, "", err
	}
	if pm != nil && pm.ExternalID != "" {
		s.log.Info("adopting the incident channel an earlier attempt created", "incident", inc.Key(), "channel", pm.ExternalID)
		return s.linkChannel(ctx, inc, pm.ExternalID)
	}
	asked := rec.Names // names an earlier attempt asked for, without an answer
	if pm == nil {
		pm = &bot.PostedMessage{Ref: channelRef(inc), Incident: inc.Number}
	}
	base := s.svc.ChannelName(inc)
	for i := 1; i <= maxNameTries; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		if !slices.Contains(rec.Names, name) {
			rec.Names = append(rec.Names, name)
			if err := s.save(ctx, pm, rec); err != nil {
				return nil, "", err
			}
		}
		var c *slack.Channel
		err := s.call(ctx, "", callRead, "conversations.create", func(ctx context.Context) error {
			var err error
			c, err = s.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: name, IsPrivate: inc.Private})
			return err
		})
		if slackCode(err) == "name_taken" {
			id, err := s.findCreated(ctx, name, s.ours(inc, slices.Contains(asked, name), pm.CreatedAt))
			if err != nil {
				return nil, "", err
			}
			if id == "" {
				continue
			}
			s.log.Info("adopting the incident channel an earlier attempt created", "incident", inc.Key(), "channel", id, "name", name)
			c = &slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: id}}}
		} else if err != nil {
			return nil, "", err
		}
		// Recorded whatever happens to this job now: the channel exists.
		pm.Channel, pm.ExternalID, rec.Text = c.ID, c.ID, name
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
		err = s.save(sctx, pm, rec)
		cancel()
		if err != nil {
			return nil, "", err
		}
		return s.linkChannel(ctx, inc, c.ID)
	}
	return nil, "", bot.Permanent(fmt.Errorf("create channel for %s: %s and %d more names are taken", inc.Key(), base, maxNameTries-1))
}

// linkChannel links the channel to the incident.
func (s *Slack) linkChannel(ctx context.Context, inc *bot.Incident, id string) (*bot.Incident, string, error) {
	linked, err := s.svc.LinkChannel(ctx, inc.Number, Platform, id)
	if err != nil {
		return nil, "", fmt.Errorf("link channel %s: %w", id, err)
	}
	return linked, id, nil
}

// ours says whether a channel that holds a name the incident wanted is the
// incident's own: created by the bot, after an earlier attempt asked for
// the name (asked; since is when it was recorded), or, whoever asked,
// since the incident was declared and with a topic or purpose naming it
// (a channel warroom made for it and got as far as describing).
func (s *Slack) ours(inc *bot.Incident, asked bool, since time.Time) func(c slack.Channel) bool {
	key := inc.Key()
	return func(c slack.Channel) bool {
		me := s.botUserID()
		if me == "" || c.Creator != me {
			return false
		}
		created := c.Created.Time()
		if asked && !created.Before(since.Add(-time.Minute)) {
			return true
		}
		return !created.Before(inc.DeclaredAt.Add(-time.Minute)) &&
			(namesIncident(c.Topic.Value, key) || namesIncident(c.Purpose.Value, key))
	}
}

// namesIncident reports whether text names the incident key as a word
// ("INC-4" is not named by "INC-42").
func namesIncident(text, key string) bool {
	for rest := text; ; {
		i := strings.Index(rest, key)
		if i < 0 {
			return false
		}
		end := i + len(key)
		if end == len(rest) || rest[end] < '0' || rest[end] > '9' {
			return true
		}
		rest = rest[end:]
	}
}

// findCreated returns the id of the unarchived channel named name that is
// ours, or "" when there is none (someone else took the name). Listing
// needs the channels:read and groups:read scopes; without them it returns
// "" and the incident gets the next free name, as before.
func (s *Slack) findCreated(ctx context.Context, name string, ours func(slack.Channel) bool) (string, error) {
	cursor := ""
	for page := 0; page < maxListPages; page++ {
		var chans []slack.Channel
		var next string
		err := s.call(ctx, "", callRead, "conversations.list", func(ctx context.Context) error {
			var err error
			chans, next, err = s.api.GetConversationsContext(ctx, &slack.GetConversationsParameters{
				Cursor: cursor, ExcludeArchived: true, Limit: 1000, Types: []string{"public_channel", "private_channel"},
			})
			return err
		})
		if err != nil {
			if bot.IsPermanent(err) {
				s.log.Warn("cannot look up the incident channel an earlier attempt may have created; "+
					"grant channels:read and groups:read to let warroom adopt it", "name", name, "slack_error", slackCode(err))
				return "", nil
			}
			return "", err
		}
		for _, c := range chans {
			if c.Name == name && ours(c) {
				return c.ID, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return "", nil
}

// invite adds the declarer, the commander, the configured responders and
// the members of the configured user groups to the incident channel. Who
// was invited is recorded, so a retry or a later card edit only invites
// newcomers (a new commander).
func (s *Slack) invite(ctx context.Context, inc *bot.Incident, ch string) error {
	pm, rec, err := s.load(ctx, inviteRef(inc))
	if err != nil {
		return err
	}
	var want []string
	if pm == nil {
		want, err = s.responders(ctx, inc)
		if err != nil {
			return err
		}
	}
	if c := inc.Commander(); userID.MatchString(c) {
		want = append(want, c)
	}
	var users []string
	for _, u := range want {
		if userID.MatchString(u) && u != s.botUserID() && !slices.Contains(rec.Users, u) && !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	if pm != nil && len(users) == 0 {
		return nil
	}
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
		pm = &bot.PostedMessage{Channel: ch, Ref: inviteRef(inc), Incident: inc.Number}
	}
	return s.save(ctx, pm, rec)
}

// responders lists who is invited to a new channel: the declarer, the
// configured responders and the members of the configured user groups.
func (s *Slack) responders(ctx context.Context, inc *bot.Incident) ([]string, error) {
	var users []string
	entries, err := s.svc.Timeline(ctx, inc.Number)
	if err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", inc.Key(), err)
	}
	for _, e := range entries {
		if e.Kind == bot.EntryDeclared {
			users = append(users, e.Actor)
			break
		}
	}
	users = append(users, s.cfg.Responders...)
	for _, g := range s.cfg.UserGroups {
		var members []string
		err := s.call(ctx, "", callRead, "usergroups.users.list", func(ctx context.Context) error {
			var err error
			members, err = s.api.GetUserGroupMembersContext(ctx, g)
			return err
		})
		if err != nil {
			if bot.IsPermanent(err) {
				s.log.Warn("could not list user group", "group", g, "err", err)
				continue
			}
			return nil, err
		}
		users = append(users, members...)
	}
	return users, nil
}

// topic is the channel topic: severity, status and commander.
func topic(inc *bot.Incident) string {
	cmd := "none"
	if c := inc.Commander(); userID.MatchString(c) {
		cmd = "<@" + c + ">"
	} else if c != "" {
		cmd = Escape(c)
	}
	return truncate(fmt.Sprintf("%s %s | %s | commander %s", inc.Severity, inc.Key(), inc.Status, cmd), 250)
}

// setTopic sets the channel topic when it changed.
func (s *Slack) setTopic(ctx context.Context, inc *bot.Incident, ch string) error {
	want := topic(inc)
	pm, rec, err := s.load(ctx, topicRef(inc))
	if err != nil {
		return err
	}
	if pm != nil && rec.Text == want {
		return nil
	}
	err = s.call(ctx, ch, callRead, "conversations.setTopic", func(ctx context.Context) error {
		_, err := s.api.SetTopicOfConversationContext(ctx, ch, want)
		return err
	})
	if err != nil {
		return err
	}
	if pm == nil {
		pm = &bot.PostedMessage{Channel: ch, Ref: topicRef(inc), Incident: inc.Number}
	}
	rec.Text = want
	return s.save(ctx, pm, rec)
}

// postSummary posts, once per resolution, the timeline summary in the
// incident channel. When postmortem drafts are on, the Service posts the
// draft itself (a post job with the draft attached) and this does nothing.
func (s *Slack) postSummary(ctx context.Context, inc *bot.Incident, ch string) error {
	if s.cfg.PostmortemDrafts {
		return nil
	}
	ref := summaryRef(inc)
	if pm, _, err := s.load(ctx, ref); err != nil || pm != nil && pm.ExternalID != "" {
		return err
	}
	entries, err := s.svc.Timeline(ctx, inc.Number)
	if err != nil {
		return fmt.Errorf("read timeline of %s: %w", inc.Key(), err)
	}
	return s.put(ctx, ch, ref, inc.Number, bot.Message{Incident: inc.Number, Title: "Timeline of " + inc.Key(), Text: summaryText(entries)}, putOpts{})
}

// summaryText renders a timeline as lines "15:04 actor: text", keeping the
// newest lines when it is longer than a Slack section.
func summaryText(entries []bot.Entry) string {
	lines := make([]string, 0, len(entries))
	for _, e := range entries {
		who := e.Actor
		if who == "" {
			who = "warroom"
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s", e.At.UTC().Format("2006-01-02 15:04"), who, oneLine(e.Text)))
	}
	for len(lines) > 1 && len(strings.Join(lines, "\n")) > maxSection-200 {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}
