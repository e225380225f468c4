package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// Platform is Discord's name as a chat target: outbox job kinds are
// "discord.open", "discord.card", …, commands from Discord carry it, and
// incident rooms are linked under it.
const Platform = "discord"

// Defaults.
const (
	DefaultEditInterval = time.Second      // one write per message per second: a burst is two edits
	DefaultAuthHold     = 15 * time.Minute // how long delivery stops after a 401
	DefaultReplyBudget  = 2 * time.Second  // an interaction's time before a deferred answer
	callTimeout         = 10 * time.Second // one REST call
)

// Config configures the Discord application.
type Config struct {
	BotToken  string // the bot's token (without "Bot ")
	PublicKey string // the application's Ed25519 public key, hex
	AppID     string // the application id
	APIURL    string // REST base URL; "" for Discord's own (tests point it at a fake)
	// Guild is the server warroom runs in: commands are registered there
	// (at once, rather than globally), and rooms and channels are looked
	// up in it. "": the server of the forum (or parent) channel, asked of
	// Discord when first needed.
	Guild string
	// Forum is the forum channel incidents get a post in; Parent the text
	// channel whose threads are rooms when no forum is set, and where
	// private incidents get a private thread.
	Forum, Parent string
	Announce      string // the announcement channel id; "" turns announcements off
	// ResponderRoles are role ids mentioned (and so added) in every new
	// room; they are the only roles a message of warroom may ping.
	ResponderRoles []string
	// Types are the incident types /incident declare offers (Install).
	Types []bot.IncidentType
	// EditInterval spaces writes to one message (card edits); default
	// DefaultEditInterval, negative for none (tests).
	EditInterval time.Duration
	AuthHold     time.Duration // default DefaultAuthHold
	// ReplyBudget is how long an interaction may run before Discord is
	// answered with a deferred response (its reply then follows); default
	// DefaultReplyBudget, inside Discord's 3 s.
	ReplyBudget time.Duration
	// PostmortemDrafts says the Service posts the postmortem draft when an
	// incident resolves; when false, the timeline summary is posted.
	PostmortemDrafts bool
	// Budget keeps the REST calls inside Discord's rate limits; nil: a
	// per-process one (NewBudget). Replicas share theirs by passing one
	// backed by the database.
	Budget Budget
	Poke   func() // wakes the outbox worker after a command; may be nil
	// OnCall names who is on call for an incident's service, mentioned in
	// an escalation (bot.Message.OnCall); nil mentions nobody more.
	OnCall     bot.OnCallMentions
	Now        func() time.Time
	HTTPClient *http.Client // nil: a default with timeouts
}

// Discord is the Discord application: the interactions endpoint and outbox
// delivery.
type Discord struct {
	cfg     Config
	api     *discordgo.Session
	key     ed25519.PublicKey
	svc     *bot.Service
	router  *commands.Router
	log     *slog.Logger
	now     func() time.Time
	budget  Budget
	gate    *gate
	replies sync.WaitGroup // follow-ups in flight

	mu      sync.Mutex
	botUser string // the bot's own user id, from /users/@me
	guild   string // the server of the rooms' channel, when none is configured
	tags    map[string]string
	chans   map[string]string // route announcement channel name → id (announce.go)
}

// New builds the Discord application. A public key that is not 32
// hex-encoded bytes fails here, at start-up, never on a request. It makes
// no network call: Start does.
func New(cfg Config, svc *bot.Service, router *commands.Router, log *slog.Logger) (*Discord, error) {
	if svc == nil || router == nil {
		return nil, errors.New("discord: nil service or router")
	}
	if cfg.BotToken == "" {
		return nil, errors.New("discord: a bot token (DISCORD_BOT_TOKEN) is required")
	}
	key, err := ParsePublicKey(cfg.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("discord: DISCORD_PUBLIC_KEY: %w", err)
	}
	if cfg.Forum == "" && cfg.Parent == "" {
		return nil, errors.New("discord: set discord.forum_channel or discord.parent_channel: incidents need a room")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.EditInterval == 0 {
		cfg.EditInterval = DefaultEditInterval
	}
	if cfg.AuthHold <= 0 {
		cfg.AuthHold = DefaultAuthHold
	}
	if cfg.ReplyBudget <= 0 {
		cfg.ReplyBudget = DefaultReplyBudget
	}
	if cfg.Budget == nil {
		cfg.Budget = NewBudget(max(cfg.EditInterval, 0))
	}
	base, err := apiBase(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: callTimeout}
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	api, err := discordgo.New("Bot " + cfg.BotToken)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	api.Client = &http.Client{Timeout: hc.Timeout, Transport: &transport{base: base, next: rt, budget: cfg.Budget, now: cfg.Now}}
	api.ShouldRetryOnRateLimit = false // a 429 goes back to the outbox, never sleeps in a job
	api.MaxRestRetries = 0
	api.StateEnabled = false
	return &Discord{
		cfg: cfg, api: api, key: key, svc: svc, router: router, log: log.With("integration", Platform),
		now: cfg.Now, budget: cfg.Budget, gate: &gate{hold: cfg.AuthHold}, tags: map[string]string{}, chans: map[string]string{},
	}, nil
}

// ParsePublicKey reads an application's public key as the developer portal
// shows it: 64 hex digits.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("not a hex-encoded Ed25519 public key (64 hex digits)")
	}
	return ed25519.PublicKey(b), nil
}

// apiBase parses DISCORD_API_URL; "" is Discord's own.
func apiBase(s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("discord: DISCORD_API_URL is not an http(s) URL")
	}
	return u, nil
}

// Start learns the bot's own user id and checks the token. A rejected
// token stops delivery (logged once) but is not fatal.
func (d *Discord) Start(ctx context.Context) error {
	var u discordgo.User
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointUser("@me"), "", nil, &u); err != nil {
		return fmt.Errorf("discord users/@me: %w", err)
	}
	d.mu.Lock()
	d.botUser = u.ID
	d.mu.Unlock()
	d.log.Info("discord connected", "bot_user", u.ID, "name", u.Username)
	return nil
}

// Handlers returns the outbox handlers of the Discord chat target.
func (d *Discord) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(Platform, bot.EffectOpen):     d.handleOpen,
		bot.JobKindOf(Platform, bot.EffectCard):     d.handleCard,
		bot.JobKindOf(Platform, bot.EffectPost):     d.handlePost,
		bot.JobKindOf(Platform, bot.EffectDigest):   d.handleDigest,
		bot.JobKindOf(Platform, bot.EffectAnnounce): d.handleAnnounce,
		bot.JobKindOf(Platform, bot.EffectDirect):   d.handleDirect,
	}
}

// Register mounts POST /discord/interactions.
func (d *Discord) Register(mux *http.ServeMux) {
	mux.Handle("POST /discord/interactions", d.verified(d.serveInteraction))
}

// Wait blocks until every follow-up in flight has been sent (or given up).
func (d *Discord) Wait() { d.replies.Wait() }

func (d *Discord) botUserID() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.botUser
}

func (d *Discord) poke() {
	if d.cfg.Poke != nil {
		d.cfg.Poke()
	}
}
