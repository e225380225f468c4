// Package discordtest is an httptest fake of the Discord REST API, as its
// public documentation describes it, for the parts warroom calls:
// channels, forum posts with tags, threads and their members, messages
// with nonce and enforce_nonce, interaction follow-ups, bulk command
// overwrite, and rate limits (bucket headers on every answer, 429 with
// retry_after past Discord's documented per-route limits).
//
// It may import the standard library only.
package discordtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Token is the bot token the fake accepts; BotID its user id; GuildID the
// one server it holds (every channel is in it).
const (
	Token   = "fake-bot-token"
	BotID   = "900000000000000001"
	GuildID = "700000000000000001"
)

// NonceWindow is how long enforce_nonce returns the message a nonce made
// instead of creating another ("the past few minutes" in Discord's docs).
const NonceWindow = 5 * time.Minute

// epoch is Discord's epoch: ids are milliseconds since it, shifted left 22.
var epoch = time.UnixMilli(1420070400000)

// Rate limit: writes of one route and channel per window, as Discord
// documents for messages (5 per 5 s).
const (
	Limit  = 5
	Window = 5 * time.Second
)

// Message is a message the fake holds.
type Message struct {
	ID, ChannelID, Content, Nonce string
	AuthorID                      string
	At                            time.Time
	Embeds, Components            json.RawMessage
	AllowedMentions               json.RawMessage
	Reference                     string
	Files                         []string
	Edits                         int
}

// Channel is a channel, forum or thread the fake holds.
type Channel struct {
	ID, Name, ParentID, OwnerID string
	Type                        int
	Tags                        []Tag    // a forum's available tags
	AppliedTags                 []string // a forum post's tags
	Members                     []string // a thread's members
	Renames                     int
	Archived                    bool
}

// Tag is a forum tag.
type Tag struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

// Call is one request the fake answered.
type Call struct {
	Method, Path string
	Status       int
	Body         []byte
}

// Server is the fake.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	next     int64
	channels map[string]*Channel
	order    []string
	messages map[string][]*Message // channel → messages
	commands map[string]json.RawMessage
	calls    []Call
	fails    []failure
	windows  map[string][]time.Time
	limited  int
	now      func() time.Time
	faults   faultState
	members  map[string]Member // guild members by user id (AddMember)
}

type failure struct {
	match        string
	status, code int
	times        int
}

// New starts a fake Discord.
func New() *Server {
	s := &Server{next: 1000000000000000000, channels: map[string]*Channel{}, messages: map[string][]*Message{},
		commands: map[string]json.RawMessage{}, windows: map[string][]time.Time{}, now: time.Now}
	s.faults.release = make(chan struct{})
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base to give DISCORD_API_URL.
func (s *Server) APIURL() string { return s.Server.URL }

// SetClock makes the fake read the time from now (ids, rate limits, the
// nonce window).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// id is a new snowflake: the time it was made, and a sequence.
func (s *Server) id() string {
	s.next++
	return fmt.Sprint(s.now().Sub(epoch).Milliseconds()<<22 | (s.next & 0xfff))
}

// Archive archives a thread: it leaves the active list for the archived one.
func (s *Server) Archive(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok {
		c.Archived = true
	}
}

// AddThread adds a thread under parent made by owner (someone else's
// thread, or one the bot made before), named name, returning its id.
func (s *Server) AddThread(parent, name, owner string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &Channel{ID: s.id(), Name: name, ParentID: parent, OwnerID: owner, Type: 11}
	s.channels[t.ID] = t
	s.order = append(s.order, t.ID)
	return t.ID
}

// AddChannel adds a text (type 0) or forum (type 15) channel.
func (s *Server) AddChannel(id, name string, typ int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = &Channel{ID: id, Name: name, Type: typ}
	s.order = append(s.order, id)
}

// DeleteChannel removes a channel: later calls on it answer 404.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.channels, id)
}

// Fail makes the next times requests whose "METHOD /path" contains match
// answer status with Discord error code.
func (s *Server) Fail(match string, status, code, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, failure{match, status, code, times})
}

// Channel returns a copy of a channel.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[id]
	if !ok {
		return Channel{}, false
	}
	return *c, true
}

// Tags returns a forum's tags, by id.
func (s *Server) TagNames(forum string, ids []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range ids {
		for _, t := range s.channels[forum].Tags {
			if t.ID == id {
				out = append(out, t.Name)
			}
		}
	}
	return out
}

// Threads lists the threads under parent, oldest first.
func (s *Server) Threads(parent string) []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, id := range s.order {
		if c, ok := s.channels[id]; ok && c.ParentID == parent {
			out = append(out, *c)
		}
	}
	return out
}

// Messages returns a channel's messages, oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[channel] {
		out = append(out, *m)
	}
	return out
}

// Commands returns the commands last written by bulk overwrite, by scope
// ("global" or the guild id).
func (s *Server) Commands(scope string) json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[scope]
}

// Calls returns every request answered, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Limited counts the 429s the fake answered.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/api/v"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			path = rest[i:]
		}
	}
	body, files := readBody(r)
	route := r.Method + " " + path
	work := func(w http.ResponseWriter) int { return s.handle(w, r, path, body, files) }
	if s.inject(w, r, route, work) {
		return
	}
	work(w)
}

// handle answers one call and records it.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, path string, body []byte, files []string) (status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	status = http.StatusOK
	defer func() { s.calls = append(s.calls, Call{Method: r.Method, Path: path, Status: status, Body: body}) }()
	route := r.Method + " " + path
	if !strings.HasPrefix(path, "/webhooks/") && r.Header.Get("Authorization") != "Bot "+Token {
		status = http.StatusUnauthorized
		writeErr(w, status, 0, "401: Unauthorized")
		return status
	}
	for i := range s.fails {
		f := &s.fails[i]
		if f.times > 0 && strings.Contains(route, f.match) {
			f.times--
			status = f.status
			if status == http.StatusTooManyRequests {
				s.limited++
				w.Header().Set("Retry-After", "2")
				writeJSON(w, status, map[string]any{"message": "You are being rate limited.", "retry_after": 2.0, "global": false})
				return status
			}
			writeErr(w, status, f.code, "injected")
			return status
		}
	}
	if r.Method != http.MethodGet && !s.allow(w, bucketOf(r.Method, path)) {
		status = http.StatusTooManyRequests
		return status
	}
	status = s.route(w, r, strings.Split(strings.Trim(path, "/"), "/"), body, files)
	return status
}

// allow enforces Limit writes per Window per route and channel, with the
// bucket headers Discord sends.
func (s *Server) allow(w http.ResponseWriter, bucket string) bool {
	now := s.now()
	var kept []time.Time
	for _, t := range s.windows[bucket] {
		if now.Sub(t) < Window {
			kept = append(kept, t)
		}
	}
	reset := Window
	if len(kept) > 0 {
		reset = Window - now.Sub(kept[0])
	}
	w.Header().Set("X-RateLimit-Limit", fmt.Sprint(Limit))
	w.Header().Set("X-RateLimit-Bucket", fmt.Sprintf("%x", len(bucket)))
	w.Header().Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", reset.Seconds()))
	if len(kept) >= Limit {
		s.limited++
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Scope", "user")
		w.Header().Set("Retry-After", fmt.Sprintf("%.0f", reset.Seconds()+0.5))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": reset.Seconds(), "global": false})
		s.windows[bucket] = kept
		return false
	}
	kept = append(kept, now)
	s.windows[bucket] = kept
	w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(Limit-len(kept)))
	return true
}

// bucketOf groups writes as Discord does: per route, per channel.
func bucketOf(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 4 && parts[0] == "channels" && parts[2] == "messages" {
		parts[3] = ":id"
	}
	return method + " " + strings.Join(parts, "/")
}

func readBody(r *http.Request) ([]byte, []string) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		b := make([]byte, 0, 1024)
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			b = append(b, buf[:n]...)
			if err != nil {
				return b, nil
			}
		}
	}
	var body []byte
	var files []string
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return body, files
		}
		if p.FormName() == "payload_json" {
			buf := make([]byte, 1<<20)
			n, _ := p.Read(buf)
			body = buf[:n]
		} else if p.FileName() != "" {
			files = append(files, p.FileName())
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

// Member is a guild member as Get Guild Member shows it.
type Member struct {
	Username, GlobalName, Nick string
}

// AddMember makes a user a member of the guild.
func (s *Server) AddMember(id string, m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members == nil {
		s.members = map[string]Member{}
	}
	s.members[id] = m
}
