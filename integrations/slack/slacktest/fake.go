// Package slacktest is an httptest fake of the Slack Web API for warroom's
// tests: it follows Slack's documented request shapes (form-encoded or JSON
// bodies, the token as a form field or a Bearer header) and response shapes
// (`ok`/`error`, `response_metadata`, 429 with Retry-After), keeps channels,
// messages, pins, topics, members and opened views in memory, and records
// every call. It can fail any method on demand, revoke the token (for good or for a while), and
// enforce Slack's per-channel posting limit (about one message a second,
// with bursts; limits.go).
//
// Point the real slack-go client at it with slack.OptionAPIURL(URL()+"/api/").
//
// It imports the standard library and, for Socket Mode, gorilla/websocket.
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Token is the bot token the fake accepts unless told otherwise.
const Token = "xoxb-test-token"

// The bot's identity in the fake workspace.
const (
	BotUserID = "UBOT"
	BotID     = "BBOT"
	TeamID    = "T0001"
)

// Channel is a conversation in the fake workspace.
type Channel struct {
	ID, Name, Topic   string
	Private, Archived bool
	Members           []string
	Creator           string    // who created it: BotUserID for conversations.create
	Created           time.Time // when it was created
}

// Message is a message in a channel.
type Message struct {
	Channel, TS, ThreadTS, User, BotID, Text string
	Blocks                                   json.RawMessage
	UnfurlLinks, UnfurlMedia                 string // as sent: "false", "true" or ""
	Pinned                                   bool
	Edits                                    int
	// Metadata is the message metadata it was posted with (event_type and
	// event_payload), as sent; nil without.
	Metadata json.RawMessage
}

// Call is one request the fake answered.
type Call struct {
	Method string
	Params map[string]string // form fields, or the top-level fields of a JSON body (non-strings as JSON)
	Status int
	Error  string
	At     time.Time
}

// Failure makes the next calls of a method fail.
type Failure struct {
	Error      string // Slack error, answered as {"ok": false, "error": ...}
	Status     int    // HTTP status; 429 sends Retry-After
	RetryAfter int    // seconds, for 429
	Channel    string // only for calls about this channel; "" any
	Times      int    // how many calls fail; 0 means 1
}

// Server is the fake Slack Web API.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	token     string
	revoked   string // error answered for every call once the token is revoked
	channels  map[string]*Channel
	messages  []*Message
	calls     []Call
	views     []json.RawMessage
	responses []json.RawMessage // bodies posted to response URLs
	groups    map[string][]string
	emails    map[string]string // user id → profile e-mail
	names     map[string]string // user id → display name
	failures  map[string][]*Failure
	seq       int
	lastTS    time.Time
	limits    limits // Slack's published limits, when enforced (limits.go)

	sock  socket
	files []*File

	faults faultState // faults.go
}

// New starts a fake; Close it when done.
func New() *Server {
	s := &Server{
		token: Token, channels: map[string]*Channel{}, groups: map[string][]string{}, emails: map[string]string{}, names: map[string]string{},
		failures: map[string][]*Failure{},
	}
	s.faults.init()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the fake's base URL; the Web API lives under URL()+"/api/".
func (s *Server) URL() string { return s.srv.URL }

// APIURL is what SLACK_API_URL is set to for the fake.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// ResponseURL is a response_url the fake records posts to.
func (s *Server) ResponseURL(id string) string { return s.srv.URL + "/response/" + id }

// Close stops the fake.
func (s *Server) Close() {
	s.Release() // no held call keeps Close waiting
	s.srv.Close()
}

// Revoke makes every call fail with err ("token_revoked", "invalid_auth",
// "account_inactive"); "" restores the token.
func (s *Server) Revoke(err string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked, s.limits.revokedUntil = err, time.Time{}
}

// Fail queues a failure for method.
func (s *Server) Fail(method string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.failures[method] = append(s.failures[method], &f)
}

// AddChannel adds an existing channel (e.g. the announcement channel).
func (s *Server) AddChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = &Channel{ID: id, Name: name}
}

// Join makes the bot a member of a channel.
func (s *Server) Join(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok && !slices.Contains(c.Members, BotUserID) {
		c.Members = append(c.Members, BotUserID)
	}
}

// SetTopic sets a channel's topic, as a person could.
func (s *Server) SetTopic(id, topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.channels[id]; ok {
		c.Topic = topic
	}
}

// SetEmail gives a user a profile e-mail address, which users.info shows.
func (s *Server) SetEmail(user, email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emails[user] = email
}

// SetName gives a user a display name, which users.info and
// users.lookupByEmail show.
func (s *Server) SetName(user, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.names[user] = name
}

// AddUserGroup defines a user group and its members.
func (s *Server) AddUserGroup(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = users
}

// AddMessage puts a message written by user in a channel and returns its ts.
func (s *Server) AddMessage(channel, user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Message{Channel: channel, TS: s.nextTS(), User: user, Text: text}
	s.messages = append(s.messages, m)
	return m.TS
}

// DeleteMessage removes a message, as a person deleting it would.
func (s *Server) DeleteMessage(channel, ts string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			s.messages = append(s.messages[:i], s.messages[i+1:]...)
			return
		}
	}
}

// Channels returns copies of every channel.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Channel, 0, len(s.channels))
	for _, c := range s.channels {
		cc := *c
		cc.Members = append([]string(nil), c.Members...)
		out = append(out, cc)
	}
	return out
}

// ChannelByName returns a copy of the channel named name.
func (s *Server) ChannelByName(name string) (Channel, bool) {
	for _, c := range s.Channels() {
		if c.Name == name {
			return c, true
		}
	}
	return Channel{}, false
}

// Messages returns copies of a channel's messages ("" for all), oldest first.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if channel == "" || m.Channel == channel {
			out = append(out, *m)
		}
	}
	return out
}

// Calls returns the calls of method ("" for all), oldest first.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Views returns the views opened, as sent.
func (s *Server) Views() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.views...)
}

// Responses returns the bodies posted to response URLs.
func (s *Server) Responses() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.responses...)
}

// nextTS returns a new, increasing message ts. Callers hold mu.
func (s *Server) nextTS() string {
	now := time.Now()
	if !now.After(s.lastTS) {
		now = s.lastTS.Add(time.Microsecond)
	}
	s.lastTS = now
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

// serve routes one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if id, ok := strings.CutPrefix(r.URL.Path, "/response/"); ok && r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.responses = append(s.responses, json.RawMessage(b))
		s.mu.Unlock()
		_ = id
		w.WriteHeader(http.StatusOK)
		return
	}
	switch r.URL.Path {
	case "/api/apps.connections.open":
		s.openSocket(w, r)
		return
	case "/socket":
		s.serveSocket(w, r)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/upload/"); ok && r.Method == http.MethodPost {
		s.serveUpload(w, r, id)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	params, token, err := readParams(r)
	if err != nil {
		s.answer(w, method, params, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	if s.serveFault(w, r, method, params, token) {
		return
	}
	s.serveMethod(w, method, params, token)
}

// serveMethod answers one Web API call as Slack would.
func (s *Server) serveMethod(w http.ResponseWriter, method string, params map[string]string, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != s.token {
		s.answerLocked(w, method, params, http.StatusOK, errBody("invalid_auth"))
		return
	}
	if e := s.revokedNow(); e != "" {
		s.answerLocked(w, method, params, http.StatusOK, errBody(e))
		return
	}
	if f := s.failure(method, params); f != nil {
		if f.Status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", fmt.Sprint(f.RetryAfter))
			s.answerLocked(w, method, params, f.Status, errBody("ratelimited"))
			return
		}
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		s.answerLocked(w, method, params, status, errBody(f.Error))
		return
	}
	h, ok := methods[method]
	if !ok {
		s.answerLocked(w, method, params, http.StatusOK, errBody("unknown_method"))
		return
	}
	if s.overLimit(w, method, params) {
		return
	}
	s.answerLocked(w, method, params, http.StatusOK, h(s, params))
}

// failure pops the queued failure of method that applies to params.
func (s *Server) failure(method string, params map[string]string) *Failure {
	for i, f := range s.failures[method] {
		if f.Channel != "" && s.resolve(params["channel"]) != f.Channel {
			continue
		}
		f.Times--
		if f.Times <= 0 {
			s.failures[method] = append(s.failures[method][:i], s.failures[method][i+1:]...)
		}
		return f
	}
	return nil
}

func errBody(e string) map[string]any { return map[string]any{"ok": false, "error": e} }

func (s *Server) answer(w http.ResponseWriter, method string, params map[string]string, status int, body map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answerLocked(w, method, params, status, body)
}

func (s *Server) answerLocked(w http.ResponseWriter, method string, params map[string]string, status int, body map[string]any) {
	e, _ := body["error"].(string)
	s.calls = append(s.calls, Call{Method: method, Params: params, Status: status, Error: e, At: time.Now()})
	if _, ok := body["response_metadata"]; !ok {
		body["response_metadata"] = map[string]any{"next_cursor": "", "messages": []string{}}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// readParams reads a form-encoded or JSON request, and its token (form
// field, query or Bearer header).
func readParams(r *http.Request) (map[string]string, string, error) {
	params := map[string]string{}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method == http.MethodPost && ct == "application/json" {
		var m map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			return params, token, err
		}
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(v)
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return params, token, err
		}
		for k := range r.Form {
			params[k] = r.Form.Get(k)
		}
	}
	if t, ok := params["token"]; ok {
		token = t
		delete(params, "token")
	}
	return params, token, nil
}
