package discord

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Discord's limits on rooms.
const (
	maxRoomName  = 100
	archiveAfter = 10080 // minutes: a week without messages before a room archives
)

// roomName is the room's name: "INC-42 · SEV2 · title", or, for an
// incident whose type sets a channel prefix, "SEC-42 · SEV2 · title".
func (d *Discord) roomName(inc *bot.Incident) string {
	key := inc.Key()
	if p := d.svc.ChannelPrefix(inc); p != "inc" {
		key = strings.ToUpper(p) + "-" + strconv.FormatInt(inc.Number, 10)
	}
	return truncate(oneLine(fmt.Sprintf("%s · %s · %s", key, inc.Severity, inc.Title)), maxRoomName)
}

// isForumRoom says whether inc's room is a forum post: a forum is
// configured and the incident is not private (forum posts cannot be).
func (d *Discord) isForumRoom(inc *bot.Incident) bool {
	return d.cfg.Forum != "" && !(inc.Private && d.cfg.Parent != "")
}

// roomTags are the forum tags of inc: its status and its severity.
func roomTags(inc *bot.Incident) []string { return []string{string(inc.Status), inc.Severity.String()} }

// threadCreate is the body of POST /channels/{id}/threads: a thread in a
// text channel, or (with message) a post in a forum.
type threadCreate struct {
	Name                string         `json:"name"`
	AutoArchiveDuration int            `json:"auto_archive_duration"`
	Type                int            `json:"type,omitempty"`
	Invitable           *bool          `json:"invitable,omitempty"`
	AppliedTags         []string       `json:"applied_tags,omitempty"`
	Message             *createMessage `json:"message,omitempty"`
}

// ensureRoom returns the incident's room, opening it and linking it to the
// incident on first use, so that commands typed in it act on the incident.
//
// A room is never opened twice: the ask is recorded under roomRef the
// moment it leaves, and the room's id the moment Discord answers, before
// anything else is done with it. A retry that finds an id adopts that
// room; a retry after an unknown outcome (warroom killed, the answer
// lost) first looks for the room the earlier attempt may have opened and
// adopts it only when it is provably warroom's (reconcile.go).
func (d *Discord) ensureRoom(ctx context.Context, inc *bot.Incident) (*bot.Incident, string, error) {
	if room := inc.Channels[Platform]; room != "" {
		return inc, room, nil
	}
	pm, rec, err := d.load(ctx, roomRef(inc))
	if err != nil {
		return nil, "", err
	}
	if pm != nil && pm.ExternalID != "" {
		return d.linkRoom(ctx, inc, pm.ExternalID)
	}
	if inc.Private && d.cfg.Parent == "" {
		return nil, "", bot.Permanent(fmt.Errorf("%s is private and a forum post cannot be: set discord.parent_channel for private threads", inc.Key()))
	}
	forum := d.isForumRoom(inc)
	parent := d.cfg.Parent
	if forum {
		parent = d.cfg.Forum
	}
	if pm == nil {
		pm = &bot.PostedMessage{Ref: roomRef(inc), Incident: inc.Number, Channel: parent}
	}
	if rec.Asked {
		name := rec.Text
		if name == "" {
			name = d.roomName(inc)
		}
		id, err := d.findRoom(ctx, inc, pm.Channel, name, rec.AskedAt, forum)
		if err != nil {
			return nil, "", err
		}
		if id != "" {
			d.log.Info("adopting the room an earlier attempt opened", "incident", inc.Key(), "room", id)
			rec.Asked, rec.AskedAt = false, time.Time{}
			return d.saveRoom(ctx, inc, pm, rec, id)
		}
	}
	body := threadCreate{Name: d.roomName(inc), AutoArchiveDuration: archiveAfter}
	if forum {
		if body.AppliedTags, err = d.tagIDs(ctx, roomTags(inc)); err != nil {
			return nil, "", err
		}
		card := Render(d.svc.CardWithAlerts(ctx, inc))
		body.Message = &createMessage{Embeds: card.Embeds, Components: card.Components, AllowedMentions: card.AllowedMentions}
		rec.Hash, rec.Tags = hash(card), roomTags(inc)
	} else {
		body.Type = int(discordgo.ChannelTypeGuildPublicThread)
		if inc.Private {
			no := false
			body.Type, body.Invitable = int(discordgo.ChannelTypeGuildPrivateThread), &no
		}
	}
	rec.Text = body.Name
	pm.Channel = parent
	var ch discordgo.Channel
	endpoint := discordgo.EndpointChannelThreads(parent)
	err = d.create(ctx, pm, rec, http.MethodPost, endpoint, func(ctx context.Context, route string) ([]byte, error) {
		return d.api.RequestWithBucketID(http.MethodPost, endpoint, body, route, discordgo.WithContext(ctx))
	}, &ch)
	if err != nil {
		return nil, "", err
	}
	if body.Message != nil {
		// The post's starter message is the card; its id is the post's.
		cm := &bot.PostedMessage{Channel: ch.ID, Ref: cardRef(inc), ExternalID: ch.ID, Incident: inc.Number}
		if err := d.save(context.WithoutCancel(ctx), cm, record{Hash: rec.Hash}); err != nil {
			return nil, "", err
		}
	}
	return d.saveRoom(ctx, inc, pm, rec, ch.ID)
}

// saveRoom records the room's id (whatever happens to the job now: the
// room exists) and links it to the incident.
func (d *Discord) saveRoom(ctx context.Context, inc *bot.Incident, pm *bot.PostedMessage, rec record, id string) (*bot.Incident, string, error) {
	pm.ExternalID = id
	rec.Asked, rec.AskedAt = false, time.Time{}
	if err := d.save(context.WithoutCancel(ctx), pm, rec); err != nil {
		return nil, "", err
	}
	return d.linkRoom(ctx, inc, id)
}

func (d *Discord) linkRoom(ctx context.Context, inc *bot.Incident, id string) (*bot.Incident, string, error) {
	linked, err := d.svc.LinkChannel(ctx, inc.Number, Platform, id)
	if err != nil {
		return nil, "", fmt.Errorf("link room %s: %w", id, err)
	}
	return linked, id, nil
}

// tagIDs returns the forum's tag ids for names, creating the tags that are
// missing.
func (d *Discord) tagIDs(ctx context.Context, names []string) ([]string, error) {
	d.mu.Lock()
	ids := make([]string, 0, len(names))
	for _, n := range names {
		if id := d.tags[n]; id != "" {
			ids = append(ids, id)
		}
	}
	d.mu.Unlock()
	if len(ids) == len(names) {
		return ids, nil
	}
	var forum discordgo.Channel
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointChannel(d.cfg.Forum), "", nil, &forum); err != nil {
		return nil, err
	}
	tags := forum.AvailableTags
	have := func() map[string]string {
		m := map[string]string{}
		for _, t := range tags {
			m[t.Name] = t.ID
		}
		return m
	}
	missing := false
	for _, n := range names {
		if _, ok := have()[n]; !ok {
			tags = append(tags, discordgo.ForumTag{Name: n})
			missing = true
		}
	}
	if missing {
		var edited discordgo.Channel
		if err := d.rest(ctx, http.MethodPatch, discordgo.EndpointChannel(d.cfg.Forum), "", map[string]any{"available_tags": tags}, &edited); err != nil {
			return nil, err
		}
		tags = edited.AvailableTags
	}
	known := have()
	d.mu.Lock()
	defer d.mu.Unlock()
	ids = ids[:0]
	for _, n := range names {
		if id := known[n]; id != "" {
			d.tags[n] = id
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// syncRoom keeps a forum post's tags and the room's name in step with the
// incident, writing only what changed.
func (d *Discord) syncRoom(ctx context.Context, inc *bot.Incident, room string) error {
	pm, rec, err := d.load(ctx, roomRef(inc))
	if err != nil || pm == nil {
		return err
	}
	patch := map[string]any{}
	if name := d.roomName(inc); rec.Text != "" && rec.Text != name {
		patch["name"] = name
	}
	tags := roomTags(inc)
	if d.isForumRoom(inc) && !slices.Equal(rec.Tags, tags) {
		ids, err := d.tagIDs(ctx, tags)
		if err != nil {
			return err
		}
		patch["applied_tags"] = ids
	}
	if len(patch) == 0 {
		return nil
	}
	if err := d.rest(ctx, http.MethodPatch, discordgo.EndpointChannel(room), "", patch, nil); err != nil {
		return err
	}
	rec.Text, rec.Tags = d.roomName(inc), tags
	return d.save(ctx, pm, rec)
}

// addMembers adds the declarer, every role holder and the responders to the room and, once,
// mentions the responder roles in it (a thread has no role members: a
// mention adds the role's people). Who was added is recorded, so a retry
// or a later card edit adds only newcomers (a new commander).
func (d *Discord) addMembers(ctx context.Context, inc *bot.Incident, room string) error {
	pm, rec, err := d.load(ctx, membersRef(inc))
	if err != nil {
		return err
	}
	var want []string
	if pm == nil {
		if want, err = d.declarer(ctx, inc); err != nil {
			return err
		}
	}
	want = append(want, bot.RoomMembers(inc)...) // every role holder and the responders
	for _, u := range want {
		if !userID.MatchString(u) || u == d.botUserID() || slices.Contains(rec.Users, u) {
			continue
		}
		err := d.rest(ctx, http.MethodPut, discordgo.EndpointThreadMember(room, u), "", nil, nil)
		if status, _ := restStatus(err); err != nil && status != http.StatusNotFound {
			return err
		}
		rec.Users = append(rec.Users, u)
	}
	if pm == nil {
		pm = &bot.PostedMessage{Channel: room, Ref: membersRef(inc), Incident: inc.Number}
		if len(d.responderRoles(inc)) > 0 {
			if err := d.mentionResponders(ctx, inc, room); err != nil {
				return err
			}
		}
	}
	return d.save(ctx, pm, rec)
}

// mentionResponders posts, once, the message that calls the responder
// roles (and the commander) into the room: the only pings warroom sends.
func (d *Discord) mentionResponders(ctx context.Context, inc *bot.Incident, room string) error {
	var b strings.Builder
	roles := d.responderRoles(inc)
	for _, r := range roles {
		b.WriteString("<@&" + r + "> ")
	}
	var users []string
	if c := inc.Commander(); userID.MatchString(c) {
		b.WriteString("<@" + c + "> ")
		users = append(users, c)
	}
	b.WriteString("you are called to " + inc.Key() + ".")
	m := &discordgo.MessageSend{Content: b.String(), AllowedMentions: mentions(users, roles)}
	return d.put(ctx, room, "responders:"+inc.Key(), inc.Number, m, putOpts{})
}

// responderRoles lists the roles called into inc's room: the configured
// responder roles and the incident's own (its route's and service's
// "role:ID" responders).
func (d *Discord) responderRoles(inc *bot.Incident) []string {
	roles := slices.Clone(d.cfg.ResponderRoles)
	for _, r := range inc.Responders {
		if id, ok := strings.CutPrefix(r, bot.ResponderRolePrefix); ok && userID.MatchString(id) && !slices.Contains(roles, id) {
			roles = append(roles, id)
		}
	}
	return roles
}

// declarer returns who declared inc, from its timeline.
func (d *Discord) declarer(ctx context.Context, inc *bot.Incident) ([]string, error) {
	entries, err := d.svc.Timeline(ctx, inc.Number)
	if err != nil {
		return nil, fmt.Errorf("read timeline of %s: %w", inc.Key(), err)
	}
	for _, e := range entries {
		if e.Kind == bot.EntryDeclared {
			return []string{e.Actor}, nil
		}
	}
	return nil, nil
}
