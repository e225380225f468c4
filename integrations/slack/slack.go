package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/integrations/internal/budget"
)

// Platform is Slack's name as a chat target: outbox job kinds are
// "slack.open", "slack.card" and "slack.post", commands from Slack carry it,
// and incident channels are linked under it.
const Platform = "slack"

// Defaults.
const (
	DefaultChannelInterval = time.Second      // one write per channel per second, as Slack asks
	DefaultChannelBurst    = 1                // writes to a channel that may go at once
	DefaultReplyBudget     = 2 * time.Second  // a slash command's time before "working on it"
	callTimeout            = 10 * time.Second // one Web API call
	replyTimeout           = 2 * time.Second  // a response_url reply, inside Slack's 3 s
)

// Config configures the Slack app.
type Config struct {
	BotToken string // xoxb-…: the Web API
	// SigningSecret verifies HTTP requests; PreviousSigningSecret is also
	// accepted while a rotation is under way.
	SigningSecret, PreviousSigningSecret string
	AppToken                             string // xapp-…: Socket Mode when set
	APIURL                               string // Web API base URL; "" for Slack's own
	// Announce is the announcement channel (a name or id); "" turns
	// announcements off.
	Announce string
	// Responders and UserGroups (ids, e.g. U024BE7LH and S0614TZR7) are
	// invited to every new incident channel, besides the declarer and the
	// commander.
	Responders, UserGroups []string
	// ChannelInterval spaces writes to one channel; default
	// DefaultChannelInterval, negative for none (tests).
	ChannelInterval time.Duration
	// ChannelBurst is how many writes to a channel may go at once before
	// the interval spaces them; default DefaultChannelBurst.
	ChannelBurst int
	// ProbeBackoff is how a held bot token is probed; default
	// bot.DefaultProbeBackoff.
	ProbeBackoff bot.ProbeBackoff
	// Budgets are the pacing slots, 429 pauses and auth hold shared by
	// every replica (the store); nil keeps them in this process.
	Budgets bot.Budgets
	// PostmortemDrafts says the Service posts the postmortem draft when an
	// incident resolves (a post job with the draft attached, uploaded as a
	// file); when false, the timeline summary is posted instead.
	PostmortemDrafts bool
	Poke             func() // wakes the outbox worker after a command; may be nil
	// OnCall names who is on call for an incident's service, mentioned in
	// an escalation (bot.Message.OnCall); nil mentions nobody more.
	OnCall bot.OnCallMentions
	// ReplyBudget is how long a slash command may run before Slack is
	// answered "working on it" (its reply then follows through the
	// response_url); default DefaultReplyBudget, inside Slack's 3 s.
	ReplyBudget time.Duration
	Now         func() time.Time
	HTTPClient  *http.Client // for the Web API and response_url; nil: a default with timeouts
}

// Slack is the Slack app: inbound handlers and outbox delivery.
type Slack struct {
	cfg     Config
	api     *slack.Client
	ids     identities // user id → e-mail (identify.go)
	http    *http.Client
	svc     *bot.Service
	router  *commands.Router
	log     *slog.Logger
	now     func() time.Time
	secrets [][]byte
	guard   *budget.Guard  // pacing, 429 pauses and the auth hold
	replies sync.WaitGroup // response_url posts in flight

	mu           sync.Mutex
	botUser      string // the bot's own user id, from auth.test
	botID        string // the bot's own bot id, from auth.test
	announce     string // announcement channel: its id once known, else its configured name
	announceName string // the configured name
}

// New builds the Slack app. It makes no network call: Start does.
func New(cfg Config, svc *bot.Service, router *commands.Router, log *slog.Logger) (*Slack, error) {
	if svc == nil || router == nil {
		return nil, errors.New("slack: nil service or router")
	}
	if cfg.BotToken == "" {
		return nil, errors.New("slack: a bot token (SLACK_BOT_TOKEN) is required")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		log.Warn("slack: neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is set: warroom posts to Slack but refuses every request from it")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ChannelInterval == 0 {
		cfg.ChannelInterval = DefaultChannelInterval
	}
	if cfg.ChannelBurst <= 0 {
		cfg.ChannelBurst = DefaultChannelBurst
	}
	if cfg.ReplyBudget <= 0 {
		cfg.ReplyBudget = DefaultReplyBudget
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: callTimeout}
	}
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	if u := strings.TrimSpace(cfg.APIURL); u != "" {
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	s := &Slack{
		cfg: cfg, api: slack.New(cfg.BotToken, opts...), http: hc, svc: svc, router: router,
		log: log.With("integration", Platform), now: cfg.Now,
	}
	s.guard = budget.NewGuard(Platform, cfg.Budgets, cfg.Now, s.log)
	if cfg.ProbeBackoff.First > 0 {
		s.guard.SetBackoff(cfg.ProbeBackoff)
	}
	s.guard.SetAdvice("slack rejected the bot token: Slack delivery is held and jobs wait; it is probed with backoff " +
		"and resumes by itself once the token works (fix SLACK_BOT_TOKEN: reinstall the app or reactivate it)")
	for _, sec := range []string{cfg.SigningSecret, cfg.PreviousSigningSecret} {
		if sec != "" {
			s.secrets = append(s.secrets, []byte(sec))
		}
	}
	s.announce = strings.TrimPrefix(strings.TrimSpace(cfg.Announce), "#")
	s.announceName = s.announce
	return s, nil
}

// Start checks the token with auth.test and learns the bot's own user id,
// so that its own messages and pins are ignored. A bad token holds
// delivery (logged once, probed with backoff) but is not fatal: the rest
// of warroom runs; a good one lifts a hold left from before.
func (s *Slack) Start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := s.api.AuthTestContext(ctx)
	if err != nil {
		if c, _ := classify(err); c == classAuth {
			s.stop(ctx, slackCode(err), err)
		}
		return fmt.Errorf("slack auth.test: %w", err)
	}
	s.guard.Accepted(ctx, true) // the token works: lift a hold left from before
	s.mu.Lock()
	s.botUser, s.botID = res.UserID, res.BotID
	s.mu.Unlock()
	s.log.Info("slack connected", "team", res.Team, "bot_user", res.UserID)
	return nil
}

// Handlers returns the outbox handlers of the Slack chat target.
func (s *Slack) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(Platform, bot.EffectOpen):     s.handleOpen,
		bot.JobKindOf(Platform, bot.EffectCard):     s.handleCard,
		bot.JobKindOf(Platform, bot.EffectPost):     s.handlePost,
		bot.JobKindOf(Platform, bot.EffectDigest):   s.handleDigest,
		bot.JobKindOf(Platform, bot.EffectAnnounce): s.handleAnnounce,
		bot.JobKindOf(Platform, bot.EffectDirect):   s.handleDirect,
	}
}

// Register mounts the HTTP endpoints.
func (s *Slack) Register(mux *http.ServeMux) {
	mux.Handle("POST /slack/commands", s.verified(true, s.serveCommand))
	mux.Handle("POST /slack/interactions", s.verified(true, s.serveInteraction))
	mux.Handle("POST /slack/events", s.verified(false, s.serveEvent))
}

func (s *Slack) botUserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botUser
}

func (s *Slack) botIDValue() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botID
}

// stop holds delivery after a refusal of a token, logging once; jobs wait
// and one of them probes with backoff.
func (s *Slack) stop(ctx context.Context, code string, err error) {
	_ = s.guard.Refused(ctx, code, false, err)
}

// Held says whether Slack delivery is held after a refusal of the bot
// token, on any replica, and why.
func (s *Slack) Held(ctx context.Context) (string, bool) {
	held, err := s.guard.Held(ctx)
	if err != nil {
		return "", false
	}
	for _, h := range held {
		if h.Integration == Platform {
			return h.Reason, true
		}
	}
	return "", false
}

func (s *Slack) poke() {
	if s.cfg.Poke != nil {
		s.cfg.Poke()
	}
}
