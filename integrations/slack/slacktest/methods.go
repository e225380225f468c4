package slacktest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// method answers one Web API method; the server's mutex is held.
type method func(s *Server, p map[string]string) map[string]any

var methods = map[string]method{
	"auth.test":                    authTest,
	"conversations.create":         conversationsCreate,
	"conversations.invite":         conversationsInvite,
	"conversations.setTopic":       conversationsSetTopic,
	"conversations.info":           conversationsInfo,
	"conversations.list":           conversationsList,
	"conversations.history":        conversationsHistory,
	"conversations.replies":        conversationsReplies,
	"chat.postMessage":             chatPostMessage,
	"chat.update":                  chatUpdate,
	"chat.postEphemeral":           chatPostEphemeral,
	"pins.add":                     pinsAdd,
	"reactions.add":                reactionsAdd,
	"views.open":                   viewsOpen,
	"usergroups.users.list":        usergroupsUsersList,
	"users.info":                   usersInfo,
	"users.lookupByEmail":          usersLookupByEmail,
	"files.getUploadURLExternal":   filesGetUploadURLExternal,
	"files.completeUploadExternal": filesCompleteUploadExternal,
}

func ok(fields map[string]any) map[string]any {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["ok"] = true
	return fields
}

// channelName is Slack's rule for channel names: lower case letters,
// digits, hyphens and underscores, at most 80 characters.
var channelName = regexp.MustCompile(`^[a-z0-9_-]{1,80}$`)

func authTest(s *Server, _ map[string]string) map[string]any {
	return ok(map[string]any{"url": "https://warroom-test.slack.com/", "team": "warroom test", "user": "warroom",
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
}

func (c *Channel) json() map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "is_channel": !c.Private, "is_group": c.Private, "is_private": c.Private,
		"is_archived": c.Archived, "is_member": slices.Contains(c.Members, BotUserID),
		"topic": map[string]any{"value": c.Topic}, "num_members": len(c.Members),
		"creator": c.Creator, "created": c.Created.Unix(),
	}
}

// resolve turns a channel name ("#incidents", "incidents") or id into an id.
func (s *Server) resolve(ch string) string {
	if _, ok := s.channels[ch]; ok {
		return ch
	}
	name := strings.TrimPrefix(ch, "#")
	for _, c := range s.channels {
		if c.Name == name {
			return c.ID
		}
	}
	return ch
}

func (s *Server) channel(p map[string]string) (*Channel, map[string]any) {
	c, found := s.channels[s.resolve(p["channel"])]
	if !found {
		return nil, errBody("channel_not_found")
	}
	if c.Archived {
		return nil, errBody("is_archived")
	}
	return c, nil
}

func conversationsCreate(s *Server, p map[string]string) map[string]any {
	name := p["name"]
	if !channelName.MatchString(name) {
		return errBody("invalid_name_specials")
	}
	for _, c := range s.channels {
		if c.Name == name {
			return errBody("name_taken")
		}
	}
	s.seq++
	prefix := "C"
	if p["is_private"] == "true" {
		prefix = "G"
	}
	c := &Channel{ID: fmt.Sprintf("%s%05d", prefix, s.seq), Name: name, Private: p["is_private"] == "true", Members: []string{BotUserID},
		Creator: BotUserID, Created: time.Now()}
	s.channels[c.ID] = c
	return ok(map[string]any{"channel": c.json()})
}

func conversationsInvite(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	for _, u := range strings.Split(p["users"], ",") {
		switch {
		case u == BotUserID:
			return errBody("cant_invite_self")
		case slices.Contains(c.Members, u):
			return errBody("already_in_channel")
		case !strings.HasPrefix(u, "U") && !strings.HasPrefix(u, "W"):
			return errBody("user_not_found")
		}
	}
	c.Members = append(c.Members, strings.Split(p["users"], ",")...)
	return ok(map[string]any{"channel": c.json()})
}

func conversationsSetTopic(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	if utf8.RuneCountInString(p["topic"]) > 250 {
		return errBody("too_long")
	}
	c.Topic = p["topic"]
	return ok(map[string]any{"channel": c.json()})
}

func conversationsInfo(s *Server, p map[string]string) map[string]any {
	c, found := s.channels[s.resolve(p["channel"])]
	if !found {
		return errBody("channel_not_found")
	}
	return ok(map[string]any{"channel": c.json()})
}

// conversationsList lists the channels the bot can see (public ones, and
// private ones it is a member of) of the asked types, by id, a page of
// limit (default 100) at a time: the cursor is the index of the next.
func conversationsList(s *Server, p map[string]string) map[string]any {
	types := p["types"]
	if types == "" {
		types = "public_channel"
	}
	var all []*Channel
	for _, c := range s.channels {
		visible := !c.Private || slices.Contains(c.Members, BotUserID)
		wanted := strings.Contains(types, "private_channel") && c.Private || strings.Contains(types, "public_channel") && !c.Private
		if visible && wanted && !(c.Archived && (p["exclude_archived"] == "true" || p["exclude_archived"] == "1")) {
			all = append(all, c)
		}
	}
	slices.SortFunc(all, func(a, b *Channel) int { return strings.Compare(a.ID, b.ID) })
	limit, from := 100, 0
	if n, err := strconv.Atoi(p["limit"]); err == nil && n > 0 {
		limit = n
	}
	if p["cursor"] != "" {
		n, err := strconv.Atoi(p["cursor"])
		if err != nil || n < 0 || n > len(all) {
			return errBody("invalid_cursor")
		}
		from = n
	}
	to := min(from+limit, len(all))
	out := make([]map[string]any, 0, to-from)
	for _, c := range all[from:to] {
		out = append(out, c.json())
	}
	next := ""
	if to < len(all) {
		next = strconv.Itoa(to)
	}
	return ok(map[string]any{"channels": out, "response_metadata": map[string]any{"next_cursor": next}})
}

func (m *Message) json() map[string]any {
	out := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
	if m.User != "" {
		out["user"] = m.User
	}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	return out
}

// jsonWith renders m as conversations.history and .replies do: with its
// metadata only when include_all_metadata is asked for.
func (m *Message) jsonWith(p map[string]string) map[string]any {
	out := m.json()
	if len(m.Metadata) > 0 && (p["include_all_metadata"] == "1" || p["include_all_metadata"] == "true") {
		out["metadata"] = m.Metadata
	}
	return out
}

// inRange applies latest, oldest and inclusive to a message ts.
func inRange(ts string, p map[string]string) bool {
	incl := p["inclusive"] == "1" || p["inclusive"] == "true"
	if l := p["latest"]; l != "" && (ts > l || ts == l && !incl) {
		return false
	}
	if o := p["oldest"]; o != "" && (ts < o || ts == o && !incl) {
		return false
	}
	return true
}

// conversationsReplies answers a thread, parent first, honouring oldest,
// latest, inclusive and limit.
func conversationsReplies(s *Server, p map[string]string) map[string]any {
	c, found := s.channels[s.resolve(p["channel"])]
	if !found {
		return errBody("channel_not_found")
	}
	if !slices.Contains(c.Members, BotUserID) {
		return errBody("not_in_channel")
	}
	root := s.message(c.ID, p["ts"])
	if root == nil {
		return errBody("thread_not_found")
	}
	limit := 1000
	fmt.Sscan(p["limit"], &limit)
	out := []map[string]any{root.jsonWith(p)}
	for _, m := range s.messages {
		if len(out) >= limit {
			break
		}
		if m.Channel == c.ID && m.ThreadTS == root.TS && m.TS != root.TS && inRange(m.TS, p) {
			out = append(out, m.jsonWith(p))
		}
	}
	return ok(map[string]any{"messages": out, "has_more": false})
}

// conversationsHistory answers newest first, as Slack does, honouring
// latest, inclusive and limit.
func conversationsHistory(s *Server, p map[string]string) map[string]any {
	c, found := s.channels[s.resolve(p["channel"])]
	if !found {
		return errBody("channel_not_found")
	}
	if !slices.Contains(c.Members, BotUserID) {
		return errBody("not_in_channel")
	}
	limit := 100
	fmt.Sscan(p["limit"], &limit)
	var out []map[string]any
	for i := len(s.messages) - 1; i >= 0 && len(out) < limit; i-- {
		m := s.messages[i]
		if m.Channel != c.ID || m.ThreadTS != "" {
			continue
		}
		if !inRange(m.TS, p) {
			continue
		}
		out = append(out, m.jsonWith(p))
	}
	return ok(map[string]any{"messages": out, "has_more": false})
}

// checkText applies Slack's limits to a message: text or blocks required,
// at most 50 blocks, text at most 40,000 characters.
func checkText(p map[string]string) map[string]any {
	if p["text"] == "" && p["blocks"] == "" {
		return errBody("no_text")
	}
	if utf8.RuneCountInString(p["text"]) > 40000 {
		return errBody("msg_too_long")
	}
	if b := p["blocks"]; b != "" {
		var blocks []json.RawMessage
		if json.Unmarshal([]byte(b), &blocks) != nil {
			return errBody("invalid_blocks_format")
		}
		if len(blocks) > 50 {
			return errBody("invalid_blocks")
		}
	}
	return nil
}

func chatPostMessage(s *Server, p map[string]string) map[string]any {
	s.openDM(p)
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	if c.Private && !slices.Contains(c.Members, BotUserID) {
		return errBody("not_in_channel")
	}
	if e := checkText(p); e != nil {
		return e
	}
	m := &Message{Channel: c.ID, TS: s.nextTS(), ThreadTS: p["thread_ts"], User: BotUserID, BotID: BotID, Text: p["text"],
		UnfurlLinks: p["unfurl_links"], UnfurlMedia: p["unfurl_media"]}
	if p["blocks"] != "" {
		m.Blocks = json.RawMessage(p["blocks"])
	}
	if md := p["metadata"]; md != "" {
		var v struct {
			EventType string `json:"event_type"`
		}
		if json.Unmarshal([]byte(md), &v) != nil || v.EventType == "" {
			return errBody("invalid_metadata_format")
		}
		m.Metadata = json.RawMessage(md)
	}
	s.messages = append(s.messages, m)
	return ok(map[string]any{"channel": c.ID, "ts": m.TS, "message": m.json()})
}

func (s *Server) message(channel, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}

func chatUpdate(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	m := s.message(c.ID, p["ts"])
	if m == nil {
		return errBody("message_not_found")
	}
	if m.User != BotUserID {
		return errBody("cant_update_message")
	}
	if e := checkText(p); e != nil {
		return e
	}
	m.Text = p["text"]
	if p["blocks"] != "" {
		m.Blocks = json.RawMessage(p["blocks"])
	}
	m.Edits++
	return ok(map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text})
}

func chatPostEphemeral(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	if p["user"] == "" {
		return errBody("user_not_found")
	}
	if e := checkText(p); e != nil {
		return e
	}
	return ok(map[string]any{"message_ts": s.nextTS(), "channel": c.ID})
}

func pinsAdd(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	m := s.message(c.ID, p["timestamp"])
	if m == nil {
		return errBody("message_not_found")
	}
	if m.Pinned {
		return errBody("already_pinned")
	}
	m.Pinned = true
	return ok(nil)
}

func reactionsAdd(s *Server, p map[string]string) map[string]any {
	c, e := s.channel(p)
	if e != nil {
		return e
	}
	if s.message(c.ID, p["timestamp"]) == nil {
		return errBody("message_not_found")
	}
	return ok(nil)
}

func viewsOpen(s *Server, p map[string]string) map[string]any {
	if p["trigger_id"] == "" {
		return errBody("invalid_trigger_id")
	}
	if p["view"] == "" {
		return errBody("invalid_arguments")
	}
	s.views = append(s.views, json.RawMessage(p["view"]))
	s.seq++
	return ok(map[string]any{"view": map[string]any{"id": fmt.Sprintf("V%05d", s.seq)}})
}

func usergroupsUsersList(s *Server, p map[string]string) map[string]any {
	users, found := s.groups[p["usergroup"]]
	if !found {
		return errBody("no_such_subteam")
	}
	return ok(map[string]any{"users": users})
}

func usersInfo(s *Server, p map[string]string) map[string]any {
	u := p["user"]
	if u == "" {
		return errBody("user_not_found")
	}
	return ok(map[string]any{"user": s.userJSON(u)})
}

// userJSON is a user object as users.info and users.lookupByEmail show it;
// the caller holds s.mu.
func (s *Server) userJSON(u string) map[string]any {
	real := u
	if n := s.names[u]; n != "" {
		real = n
	}
	profile := map[string]any{"real_name": real, "display_name": s.names[u]}
	if e := s.emails[u]; e != "" {
		profile["email"] = e
	}
	return map[string]any{"id": u, "name": strings.ToLower(u), "real_name": real, "profile": profile}
}

// usersLookupByEmail finds the user with a profile e-mail address
// (case-insensitive), or answers users_not_found.
func usersLookupByEmail(s *Server, p map[string]string) map[string]any {
	want := strings.TrimSpace(p["email"])
	if want == "" {
		return errBody("invalid_arguments")
	}
	for u, e := range s.emails {
		if strings.EqualFold(e, want) {
			return ok(map[string]any{"user": s.userJSON(u)})
		}
	}
	return errBody("users_not_found")
}

// openDM makes a chat.postMessage to a user id (U…, W…) write in the app's
// direct conversation with that user, as Slack does: the conversation
// (D + the user id) is created on first use, and the call names it.
func (s *Server) openDM(p map[string]string) {
	u := p["channel"]
	if len(u) < 3 || (u[0] != 'U' && u[0] != 'W') {
		return
	}
	id := "D" + u
	if _, ok := s.channels[id]; !ok {
		s.channels[id] = &Channel{ID: id, Name: "dm-" + u, Private: true, Members: []string{u, BotUserID}, Created: time.Now()}
	}
	p["channel"] = id
}
