package console

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// Platform is the console's name as a chat target: outbox job kinds are
// "console.open", "console.card" and "console.post", and commands typed in
// the console carry it.
const Platform = "console"

// DefaultAnnounce is the announcement channel unless configured otherwise.
const DefaultAnnounce = "incidents"

// NoAnnounce as Config.Announce turns announcements off.
const NoAnnounce = "-"

// historyLimit is how many messages of a channel the console shows.
const historyLimit = 200

// Config configures the console.
type Config struct {
	// Token is the API token (WARROOM_API_TOKEN); it guards the console when
	// Public is true.
	Token string
	// Public says the server listens on a non-loopback address: the console
	// then requires a login with Token, and refuses to serve without one.
	Public bool
	// Announce is the announcement channel: "" means DefaultAnnounce,
	// NoAnnounce turns announcements off.
	Announce string
	// Poll is how often the browser asks for new messages; default 1s.
	Poll time.Duration
	// Poke, when set, is called after a command, so the outbox worker
	// delivers its effects at once instead of at its next poll.
	Poke func()
}

// Console serves the web console and delivers the console's outbox jobs.
type Console struct {
	cfg      Config
	announce string // "" when off
	poll     time.Duration
	poke     func()
	svc      *bot.Service
	router   *commands.Router
	log      *slog.Logger
	pages    map[string]*template.Template
	csrf     *http.CrossOriginProtection
	session  string // the cookie value a logged-in browser carries
}

// New builds the console.
func New(cfg Config, svc *bot.Service, router *commands.Router, log *slog.Logger) (*Console, error) {
	if svc == nil || router == nil {
		return nil, errors.New("console: nil service or router")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	announce := strings.TrimPrefix(strings.TrimSpace(cfg.Announce), "#")
	switch announce {
	case "":
		announce = DefaultAnnounce
	case NoAnnounce:
		announce = ""
	}
	poll := cfg.Poll
	if poll <= 0 {
		poll = time.Second
	}
	poke := cfg.Poke
	if poke == nil {
		poke = func() {}
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{
		cfg: cfg, announce: announce, poll: poll, poke: poke, svc: svc, router: router,
		log: log.With("integration", Platform), pages: pages, csrf: http.NewCrossOriginProtection(),
	}
	if cfg.Token != "" {
		c.session = sessionValue(cfg.Token)
	}
	c.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return c, nil
}

// access says who may reach a route.
type access int

const (
	open access = iota // anyone (assets, the login form)
	page               // a person: sent to the login form when not logged in
	data               // the page's scripts: 401 when not logged in
)

// Register adds the console's routes to mux.
func (c *Console) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		who     access
		h       http.HandlerFunc
	}{
		{"GET /{$}", page, c.chat},
		{"GET /channels/{name}", page, c.chat},
		{"GET /incidents", page, c.incidents},
		{"GET /incidents/{key}", page, c.incident},
		{"GET /console/poll", data, c.pollState},
		{"POST /console/command", data, c.command},
		{"GET /console/static/", open, c.static},
		{"GET /login", open, c.loginForm},
		{"POST /login", open, c.login},
		{"POST /logout", open, c.logout},
	}
	for _, r := range routes {
		var h http.Handler = c.guard(r.who, r.h)
		if strings.HasPrefix(r.pattern, "POST ") {
			h = c.csrf.Handler(h)
		}
		mux.Handle(r.pattern, h)
	}
}

// Handlers are the console's outbox handlers, by job kind.
func (c *Console) Handlers() map[bot.JobKind]bot.Handler {
	return map[bot.JobKind]bot.Handler{
		bot.JobKindOf(Platform, bot.EffectOpen):     c.handleOpen,
		bot.JobKindOf(Platform, bot.EffectCard):     c.handleCard,
		bot.JobKindOf(Platform, bot.EffectPost):     c.handlePost,
		bot.JobKindOf(Platform, bot.EffectAnnounce): c.handleAnnounce,
		bot.JobKindOf(Platform, bot.EffectDigest):   c.handleDigest,
		// The console has no direct messages: the room's note says it.
		bot.JobKindOf(Platform, bot.EffectDirect): func(context.Context, bot.Job) error { return nil },
	}
}

// guard applies the console's authentication and security headers.
func (c *Console) guard(who access, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if who == open || !c.cfg.Public {
			next(w, r)
			return
		}
		if c.cfg.Token == "" {
			c.refuse(w, r)
			return
		}
		if !c.loggedIn(r) {
			if who == data {
				httpx.WriteError(w, http.StatusUnauthorized, "log in to the console first")
				return
			}
			http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next(w, r)
	})
}
