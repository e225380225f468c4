package slack_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

const (
	secret     = "8f742231b10e8888abcd99yyyzzz85a5"
	oldSecret  = "previous-secret-still-accepted-00"
	announceID = "C0ANNOUNCE"
)

// stack is warroom with Slack as its chat target, over SQLite and the fake
// Slack Web API.
type stack struct {
	t       testing.TB
	store   bot.Store
	svc     *bot.Service
	app     *slack.Slack
	worker  *outbox.Worker
	fake    *slacktest.Server
	handler http.Handler
	logs    *testkit.Buffer
	now     func() time.Time
}

type options struct {
	interval time.Duration // slack.Config.ChannelInterval; 0: none (-1)
	announce string
	noStart  bool
	socket   bool // Socket Mode with the fake's app token
	drafts   bool // slack.Config.PostmortemDrafts
	pager    commands.Pager
	budget   time.Duration // slack.Config.ReplyBudget
	client   *http.Client  // slack.Config.HTTPClient; nil: the default
	burst    int           // slack.Config.ChannelBurst
	probe    bot.ProbeBackoff
	// store and fake, when set, are shared with other stacks (replicas);
	// nil: a SQLite store and a fake of the stack's own.
	store    bot.Store
	fake     *slacktest.Server
	owner    string // the worker's lease owner; "": "test"
	alerts   bot.AlertConfig
	services map[string]bot.ServiceConfig
	escalate bot.EscalationConfig
	clock    *testkit.Clock // the Service's clock; nil: the wall clock
	// budgets, when set, wraps the store as the app's shared budgets.
	budgets func(bot.Budgets) bot.Budgets
}

func newStack(t testing.TB, o options) *stack {
	t.Helper()
	ctx := context.Background()
	logs := &testkit.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	kitOpts := []testkit.Option{testkit.WithTargets(slack.Platform), testkit.WithLog(log),
		testkit.WithConfig(bot.Config{PublicURL: "https://warroom.example.com", Alerts: o.alerts, Services: o.services,
			Escalation: o.escalate})}
	if o.clock != nil {
		kitOpts = append(kitOpts, testkit.WithClock(o.clock))
	}
	var store bot.Store
	var svc *bot.Service
	if o.store != nil {
		store, svc = o.store, testkit.ServiceOn(t, o.store, kitOpts...)
	} else {
		kit := testkit.NewService(t, kitOpts...)
		store, svc = kit.Store, kit.Svc
	}
	router, err := commands.New(svc, commands.Config{Pager: o.pager}, log)
	if err != nil {
		t.Fatal(err)
	}
	fake := o.fake
	if fake == nil {
		fake = slacktest.New()
		t.Cleanup(fake.Close)
		fake.AddChannel(announceID, "incidents")
		fake.AddUserGroup("S0ONCALL", "U0GROUP1", "U0GROUP2")
	}
	w := outbox.New(outbox.Config{Owner: cmp.Or(o.owner, "test"), BaseDelay: 10 * time.Millisecond, Poll: 10 * time.Millisecond}, store, log)
	interval := o.interval
	if interval == 0 {
		interval = -1
	}
	announce := o.announce
	switch announce {
	case "":
		announce = "#incidents"
	case "-none-":
		announce = ""
	}
	var budgets bot.Budgets = store
	if o.budgets != nil {
		budgets = o.budgets(store)
	}
	appToken := ""
	if o.socket {
		appToken = slacktest.AppToken
	}
	app, err := slack.New(slack.Config{
		AppToken: appToken,
		BotToken: slacktest.Token, SigningSecret: secret, PreviousSigningSecret: oldSecret,
		APIURL: fake.APIURL(), Announce: announce, Responders: []string{"U0RESP"}, UserGroups: []string{"S0ONCALL"},
		ChannelInterval: interval, Poke: w.Poke, PostmortemDrafts: o.drafts, ReplyBudget: o.budget,
		HTTPClient: o.client, ChannelBurst: o.burst, ProbeBackoff: o.probe, Budgets: budgets,
	}, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	if !o.noStart {
		if err := app.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for kind, h := range app.Handlers() {
		w.Handle(kind, h)
	}
	mux := http.NewServeMux()
	app.Register(mux)
	return &stack{t: t, store: store, svc: svc, app: app, worker: w, fake: fake, handler: mux, logs: logs, now: time.Now}
}

// drain delivers every job that is due now, until none is left.
func (s *stack) drain() {
	s.t.Helper()
	testkit.Drain(s.t, context.Background(), s.worker)
}

// triggers numbers trigger ids: Slack's are unique, so two identical
// commands in one second are two requests, not a replay.
var triggers atomic.Int64

func trigger(who string) string {
	return "trig-" + who + "-" + strconv.FormatInt(triggers.Add(1), 10)
}

// signed builds a request signed as Slack signs it, at time ts.
func signed(path, contentType string, body []byte, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("X-Slack-Signature", slack.Sign(secret, ts.Unix(), body))
	return r
}

func (s *stack) do(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	return rec
}

// reply is a slash command's response body.
type reply struct {
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

// command types a slash command as user in channel.
func (s *stack) command(user, channel, text string) reply {
	s.t.Helper()
	cmd, rest, _ := strings.Cut(text, " ")
	form := url.Values{"command": {cmd}, "text": {rest}, "user_id": {user}, "channel_id": {channel},
		"team_id": {slacktest.TeamID}, "trigger_id": {trigger(user)}, "response_url": {s.fake.ResponseURL("cmd")}}
	rec := s.do(signed("/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Now()))
	if rec.Code != http.StatusOK {
		s.t.Fatalf("command %q: status %d: %s", text, rec.Code, rec.Body)
	}
	var r reply
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			s.t.Fatalf("command %q: %v: %s", text, err, rec.Body)
		}
	}
	return r
}

// interact posts an interactivity payload.
func (s *stack) interact(payload any) *httptest.ResponseRecorder {
	s.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		s.t.Fatal(err)
	}
	form := url.Values{"payload": {string(b)}}
	rec := s.do(signed("/slack/interactions", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Now()))
	if rec.Code != http.StatusOK {
		s.t.Fatalf("interaction: status %d: %s", rec.Code, rec.Body)
	}
	s.app.Wait() // replies to response_url go out after the answer
	return rec
}

// click clicks the button of the card message m whose label is label.
func (s *stack) click(user string, m slacktest.Message, label string) {
	s.t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string          `json:"action_id"`
			Value    string          `json:"value"`
			Text     json.RawMessage `json:"text"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		s.t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			var text struct {
				Text string `json:"text"`
			}
			_ = json.Unmarshal(e.Text, &text)
			if b.Type == "actions" && text.Text == label {
				s.interact(map[string]any{
					"type": "block_actions", "trigger_id": trigger("click"), "response_url": s.fake.ResponseURL("click"),
					"user": map[string]string{"id": user}, "channel": map[string]string{"id": m.Channel},
					"container": map[string]string{"type": "message", "message_ts": m.TS, "channel_id": m.Channel},
					"actions":   []map[string]string{{"action_id": e.ActionID, "block_id": b.BlockID, "value": e.Value, "type": "button"}},
				})
				return
			}
		}
	}
	s.t.Fatalf("no button %q on the card: %s", label, m.Blocks)
}

// submit submits a modal.
func (s *stack) submit(user, callback, metadata string, values map[string]map[string]any) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.interact(map[string]any{
		"type": "view_submission", "user": map[string]string{"id": user},
		"view": map[string]any{"callback_id": callback, "private_metadata": metadata, "state": map[string]any{"values": values}},
	})
}

// event delivers an Events API callback.
func (s *stack) event(body string, retry int) *httptest.ResponseRecorder {
	s.t.Helper()
	r := signed("/slack/events", "application/json", []byte(body), time.Now())
	if retry > 0 {
		r.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
	}
	return s.do(r)
}

// channel returns the incident channel the fake holds for inc.
func (s *stack) channel(n int64) slacktest.Channel {
	s.t.Helper()
	inc, err := s.svc.Get(context.Background(), n)
	if err != nil {
		s.t.Fatal(err)
	}
	id := inc.Channels[slack.Platform]
	for _, c := range s.fake.Channels() {
		if c.ID == id {
			return c
		}
	}
	s.t.Fatalf("%s has no Slack channel (linked %q)", inc.Key(), id)
	return slacktest.Channel{}
}

// messages returns the messages of a channel.
func (s *stack) messages(channel string) []slacktest.Message { return s.fake.Messages(channel) }
