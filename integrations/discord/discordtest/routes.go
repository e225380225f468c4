package discordtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// Discord's error codes the fake answers.
const (
	CodeUnknownChannel = 10003
	CodeUnknownGuild   = 10004
	CodeUnknownMessage = 10008
)

type messageBody struct {
	Content          string          `json:"content"`
	Embeds           json.RawMessage `json:"embeds"`
	Components       json.RawMessage `json:"components"`
	AllowedMentions  json.RawMessage `json:"allowed_mentions"`
	Nonce            string          `json:"nonce"`
	EnforceNonce     bool            `json:"enforce_nonce"`
	MessageReference *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, p []string, body []byte, files []string) int {
	method := r.Method
	switch {
	case method == http.MethodGet && len(p) == 2 && p[0] == "users" && p[1] == "@me":
		writeJSON(w, 200, map[string]any{"id": BotID, "username": "warroom", "bot": true})
		return 200
	case len(p) >= 2 && p[0] == "channels":
		return s.channel(w, r, p[1], p[2:], body, files)
	case len(p) >= 2 && p[0] == "guilds" && p[1] != GuildID:
		writeErr(w, 404, CodeUnknownGuild, "Unknown Guild")
		return 404
	case method == http.MethodGet && len(p) == 4 && p[0] == "guilds" && p[2] == "members":
		// Get Guild Member: the member's nick, and their user with its
		// username and global_name; 10007 Unknown Member otherwise.
		m, ok := s.members[p[3]]
		if !ok {
			writeErr(w, 404, 10007, "Unknown Member")
			return 404
		}
		writeJSON(w, 200, map[string]any{"nick": nullable(m.Nick), "roles": []string{},
			"user": map[string]any{"id": p[3], "username": m.Username, "global_name": nullable(m.GlobalName)}})
		return 200
	case method == http.MethodGet && len(p) == 4 && p[0] == "guilds" && p[2] == "threads":
		threads := []map[string]any{}
		for _, id := range s.order {
			if c, ok := s.channels[id]; ok && c.ParentID != "" && !c.Archived {
				threads = append(threads, channelJSON(c))
			}
		}
		writeJSON(w, 200, map[string]any{"threads": threads, "members": []any{}})
		return 200
	case method == http.MethodPost && len(p) == 3 && p[0] == "users" && p[1] == "@me" && p[2] == "channels":
		// Create DM: the bot's direct channel with recipient_id, one per user.
		var req struct {
			RecipientID string `json:"recipient_id"`
		}
		_ = json.Unmarshal(body, &req)
		id := "dm-" + req.RecipientID
		if _, ok := s.channels[id]; !ok {
			s.channels[id] = &Channel{ID: id, Name: id, Type: 1, Members: []string{req.RecipientID}}
		}
		writeJSON(w, 200, map[string]any{"id": id, "type": 1, "recipients": []map[string]any{{"id": req.RecipientID}}})
		return 200
	case method == http.MethodGet && len(p) == 3 && p[0] == "guilds" && p[2] == "channels":
		chans := []map[string]any{}
		for _, id := range s.order {
			if c, ok := s.channels[id]; ok && c.ParentID == "" {
				chans = append(chans, channelJSON(c))
			}
		}
		writeJSON(w, 200, chans)
		return 200
	case method == http.MethodPut && len(p) >= 3 && p[0] == "applications" && p[len(p)-1] == "commands":
		scope := "global"
		if len(p) == 5 {
			scope = p[3]
		}
		s.commands[scope] = json.RawMessage(body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
		return 200
	case len(p) >= 3 && p[0] == "webhooks":
		if method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return 204
		}
		writeJSON(w, 200, map[string]any{"id": s.id()})
		return 200
	}
	writeErr(w, 404, 0, "404: Not Found")
	return 404
}

func (s *Server) channel(w http.ResponseWriter, r *http.Request, id string, rest []string, body []byte, files []string) int {
	method := r.Method
	c, ok := s.channels[id]
	if !ok {
		writeErr(w, 404, CodeUnknownChannel, "Unknown Channel")
		return 404
	}
	switch {
	case len(rest) == 0 && method == http.MethodGet:
		writeJSON(w, 200, channelJSON(c))
	case len(rest) == 0 && method == http.MethodPatch:
		var in struct {
			Name          *string   `json:"name"`
			AvailableTags []Tag     `json:"available_tags"`
			AppliedTags   *[]string `json:"applied_tags"`
		}
		if json.Unmarshal(body, &in) != nil {
			writeErr(w, 400, 50035, "Invalid Form Body")
			return 400
		}
		if in.Name != nil {
			c.Name = *in.Name
			c.Renames++
		}
		if in.AvailableTags != nil {
			for i := range in.AvailableTags {
				if in.AvailableTags[i].ID == "" {
					in.AvailableTags[i].ID = s.id()
				}
			}
			c.Tags = in.AvailableTags
		}
		if in.AppliedTags != nil {
			c.AppliedTags = *in.AppliedTags
		}
		writeJSON(w, 200, channelJSON(c))
	case len(rest) == 1 && rest[0] == "threads" && method == http.MethodPost:
		var in struct {
			Name        string       `json:"name"`
			Type        int          `json:"type"`
			AppliedTags []string     `json:"applied_tags"`
			Message     *messageBody `json:"message"`
		}
		if json.Unmarshal(body, &in) != nil || in.Name == "" {
			writeErr(w, 400, 50035, "Invalid Form Body")
			return 400
		}
		t := &Channel{ID: s.id(), Name: in.Name, ParentID: id, OwnerID: BotID, Type: in.Type, AppliedTags: in.AppliedTags}
		if c.Type == 15 {
			if in.Message == nil {
				writeErr(w, 400, 50035, "a forum post needs a message")
				return 400
			}
			t.Type = 11
			s.messages[t.ID] = append(s.messages[t.ID], &Message{ID: t.ID, ChannelID: t.ID, AuthorID: BotID, At: s.now(), Content: in.Message.Content,
				Embeds: in.Message.Embeds, Components: in.Message.Components, AllowedMentions: in.Message.AllowedMentions})
		}
		s.channels[t.ID] = t
		s.order = append(s.order, t.ID)
		writeJSON(w, 201, channelJSON(t))
		return 201
	case method == http.MethodGet && (len(rest) == 3 && rest[0] == "threads" && rest[1] == "archived" && rest[2] == "public" ||
		len(rest) == 5 && rest[0] == "users" && rest[1] == "@me" && rest[4] == "private"):
		// Archived threads, newest first: public ones, or the private
		// ones the bot joined.
		private := rest[0] == "users"
		threads := []map[string]any{}
		for i := len(s.order) - 1; i >= 0; i-- {
			t, ok := s.channels[s.order[i]]
			if ok && t.ParentID == id && t.Archived && (t.Type == 12) == private {
				threads = append(threads, channelJSON(t))
			}
		}
		writeJSON(w, 200, map[string]any{"threads": threads, "members": []any{}, "has_more": false})
	case len(rest) == 1 && rest[0] == "messages" && method == http.MethodGet:
		// At most limit (default 50) messages: with after, the ones
		// right after that id; else the newest. Newest first either way.
		q := r.URL.Query()
		after, _ := strconv.ParseUint(q.Get("after"), 10, 64)
		limit, err := strconv.Atoi(q.Get("limit"))
		if err != nil || limit <= 0 || limit > 100 {
			limit = 50
		}
		var picked []*Message
		msgs := s.messages[id]
		if q.Has("after") {
			for i := 0; i < len(msgs) && len(picked) < limit; i++ {
				if n, _ := strconv.ParseUint(msgs[i].ID, 10, 64); n > after {
					picked = append(picked, msgs[i])
				}
			}
			slices.Reverse(picked)
		} else {
			for i := len(msgs) - 1; i >= 0 && len(picked) < limit; i-- {
				picked = append(picked, msgs[i])
			}
		}
		out := []map[string]any{}
		for _, m := range picked {
			out = append(out, messageJSON(m, false))
		}
		writeJSON(w, 200, out)
	case len(rest) == 2 && rest[0] == "messages" && method == http.MethodGet:
		for _, m := range s.messages[id] {
			if m.ID == rest[1] {
				writeJSON(w, 200, messageJSON(m, false))
				return 200
			}
		}
		writeErr(w, 404, CodeUnknownMessage, "Unknown Message")
		return 404
	case len(rest) == 2 && rest[0] == "thread-members" && method == http.MethodPut:
		if !slices.Contains(c.Members, rest[1]) {
			c.Members = append(c.Members, rest[1])
		}
		w.WriteHeader(http.StatusNoContent)
		return 204
	case len(rest) == 1 && rest[0] == "messages" && method == http.MethodPost:
		var in messageBody
		if json.Unmarshal(body, &in) != nil {
			writeErr(w, 400, 50035, "Invalid Form Body")
			return 400
		}
		if in.EnforceNonce && in.Nonce != "" {
			for _, m := range s.messages[id] {
				if m.Nonce == in.Nonce && s.now().Sub(m.At) < NonceWindow {
					writeJSON(w, 200, messageJSON(m, true))
					return 200
				}
			}
		}
		m := &Message{ID: s.id(), ChannelID: id, AuthorID: BotID, At: s.now(), Content: in.Content, Embeds: in.Embeds, Components: in.Components,
			AllowedMentions: in.AllowedMentions, Nonce: in.Nonce, Files: files}
		if in.MessageReference != nil {
			m.Reference = in.MessageReference.MessageID
		}
		s.messages[id] = append(s.messages[id], m)
		writeJSON(w, 200, messageJSON(m, true))
	case len(rest) == 2 && rest[0] == "messages" && method == http.MethodPatch:
		for _, m := range s.messages[id] {
			if m.ID == rest[1] {
				var in messageBody
				if json.Unmarshal(body, &in) != nil {
					writeErr(w, 400, 50035, "Invalid Form Body")
					return 400
				}
				m.Content, m.Embeds, m.Components, m.AllowedMentions = in.Content, in.Embeds, in.Components, in.AllowedMentions
				m.Edits++
				writeJSON(w, 200, messageJSON(m, false))
				return 200
			}
		}
		writeErr(w, 404, CodeUnknownMessage, "Unknown Message")
		return 404
	default:
		writeErr(w, 404, 0, "404: Not Found")
		return 404
	}
	return 200
}

func channelJSON(c *Channel) map[string]any {
	tags := c.Tags
	if tags == nil {
		tags = []Tag{}
	}
	out := map[string]any{"id": c.ID, "guild_id": GuildID, "name": c.Name, "type": c.Type, "parent_id": c.ParentID, "owner_id": c.OwnerID,
		"available_tags": tags, "applied_tags": c.AppliedTags}
	if c.ParentID != "" {
		out["thread_metadata"] = map[string]any{"archived": c.Archived, "auto_archive_duration": 10080}
	}
	return out
}

// messageJSON is a message as Discord returns it; the nonce only in the
// answer to its create, as Discord does.
func messageJSON(m *Message, created bool) map[string]any {
	out := map[string]any{"id": m.ID, "channel_id": m.ChannelID, "content": m.Content,
		"author":    map[string]any{"id": m.AuthorID, "username": "warroom", "bot": true},
		"timestamp": m.At.UTC().Format("2006-01-02T15:04:05.000000+00:00"), "embeds": m.Embeds, "components": m.Components}
	if created && m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
