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
	"github.com/warroom/warroom/integrations/internal/budget"
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
	// delivers its effects at once instead of at its next poll (only where
	// the service does not do so after each commit:
	// bot.Service.PokesAfterCommit), and after an outbox action.
	Poke func()
	// Holds, when set, lists the integrations held after their credentials
	// were refused (the store: every replica's holds); each page shows them
	// in a banner.
	Holds Holds
	// Insights builds the insights page (GET /insights); nil: 404.
	Insights Insighter
	// Location is the insights' default time zone (nil: UTC).
	Location *time.Location
	// Hosts are the host names, besides loopback names and addresses, a
	// loopback console answers to (the host of WARROOM_PUBLIC_URL).
	Hosts []string
	// Now is the clock of the login limit; nil means time.Now.
	Now func() time.Time
	// Budgets keeps the login limit; the store's, so that every replica
	// counts the same attempts. nil: this process's own.
	Budgets bot.Budgets
	// OIDC, when set, signs people in with an OpenID Connect provider, on
	// any address: the console's user is then the signed-in person.
	OIDC *OIDC
	// LocalUser is who the console acts as without sign-in (no OIDC): its
	// operator, named in commands and the audit. "": DefaultLocalUser.
	LocalUser string
}

// DefaultLocalUser is the console's user without sign-in when none is
// configured.
const DefaultLocalUser = "operator"

// Holds lists the integrations held now.
type Holds interface {
	HeldIntegrations(ctx context.Context) ([]bot.IntegrationHold, error)
}

// Login attempts: a client address may try loginBurst times at once, then
// once per loginEvery, counted in the budget bucket loginBucket + address.
const (
	loginBurst  = 5
	loginEvery  = 12 * time.Second
	loginBucket = "console:login:"
)

// Console serves the web console and delivers the console's outbox jobs.
type Console struct {
	cfg      Config
	announce string // "" when off
	poll     time.Duration
	poke     func()
	// pokeCommand wakes the worker after a command: poke, or nothing
	// where the service wakes it after each commit already.
	pokeCommand func()
	svc         *bot.Service
	router      *commands.Router
	log         *slog.Logger
	pages       map[string]*template.Template
	csrf        *http.CrossOriginProtection
	session     string // the cookie value a logged-in browser carries
	logins      bot.Budgets
	now         func() time.Time
	oidc        *signer // nil: no sign-in
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
	cfg.LocalUser = strings.TrimPrefix(strings.TrimSpace(cfg.LocalUser), "@")
	if cfg.LocalUser == "" {
		cfg.LocalUser = DefaultLocalUser
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
	pokeCommand := poke
	if svc.PokesAfterCommit() {
		pokeCommand = func() {}
	}
	c := &Console{
		cfg: cfg, announce: announce, poll: poll, poke: poke, pokeCommand: pokeCommand, svc: svc, router: router,
		log: log.With("integration", Platform), pages: pages, csrf: http.NewCrossOriginProtection(),
		logins: cfg.Budgets, now: cfg.Now,
	}
	if c.logins == nil {
		c.logins = budget.NewMemory()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.cfg.Location == nil {
		c.cfg.Location = time.UTC
	}
	if cfg.Token != "" {
		c.session = sessionValue(cfg.Token)
	}
	if cfg.OIDC != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c.oidc, err = newSigner(ctx, *cfg.OIDC); err != nil {
			return nil, err
		}
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
		{"GET /outbox", page, c.outboxPage},
		{"GET /actions", page, c.actions},        // actions.go
		{"GET /problems", page, c.problems},      // problems.go
		{"GET /problems/{key}", page, c.problem}, // problems.go
		{"POST /outbox/{verb}", page, c.outboxAction},
		{"POST /outbox/{id}/{verb}", page, c.outboxAction},
		{"GET /insights", page, c.insights},        // insights.go
		{"GET /insights.csv", page, c.insightsCSV}, // insights_csv.go
		{"GET /console/poll", data, c.pollState},
		{"GET /console/events", data, c.events}, // events.go
		{"POST /console/command", data, c.command},
		{"GET /console/static/", open, c.static},
		{"GET /login", open, c.loginForm},
		{"POST /login", open, c.login},
		{"POST /logout", open, c.logout},
		{"GET /auth/callback", open, c.oidcCallback},
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
		if !c.cfg.Public && !httpx.LocalHost(r.Host, c.cfg.Hosts...) {
			// DNS rebinding: a page on another name reached our loopback
			// address through the browser. Refuse before anything runs.
			c.log.Warn("console request for a foreign host refused", "host", r.Host, "remote", r.RemoteAddr)
			httpx.WriteError(w, http.StatusMisdirectedRequest, "this console answers only to localhost and its public URL's host")
			return
		}
		if who == open {
			next(w, r)
			return
		}
		if c.oidc != nil {
			if _, ok := c.oidc.session(r); !ok {
				c.signIn(w, r, who)
				return
			}
			next(w, r)
			return
		}
		if !c.cfg.Public {
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

// signIn answers a request without a session: data routes 401, pages go
// to the sign-in.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request, who access) {
	if who == data {
		httpx.WriteError(w, http.StatusUnauthorized, "sign in to the console first")
		return
	}
	http.Redirect(w, r, loginURL(r.URL.RequestURI()), http.StatusSeeOther)
}
