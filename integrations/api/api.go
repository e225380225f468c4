package api

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// Platform is the platform name commands from the API carry.
const Platform = "api"

// DefaultUser is the actor of requests that name no user.
const DefaultUser = "api"

// Config configures the API.
type Config struct {
	// Token is the bearer token clients must send (WARROOM_API_TOKEN). When
	// empty, every request is refused.
	Token string
	// Poke, when set, is called after a request changed something, so the
	// outbox worker delivers its effects at once instead of at its next poll.
	Poke func()
	// Insights builds GET /api/v1/insights; nil: that route answers 404.
	Insights Insighter
	// Location is the default zone of insights' calendar days (nil: UTC).
	Location *time.Location
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// API serves /api/v1/.
type API struct {
	token  string
	poke   func()
	svc    *bot.Service
	router *commands.Router
	log    *slog.Logger

	insighter Insighter
	location  *time.Location
	clock     func() time.Time
}

// New builds the API.
func New(cfg Config, svc *bot.Service, router *commands.Router, log *slog.Logger) (*API, error) {
	if svc == nil {
		return nil, errors.New("api: nil service")
	}
	if router == nil {
		return nil, errors.New("api: nil command router")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	poke := cfg.Poke
	if poke == nil {
		poke = func() {}
	}
	return &API{token: cfg.Token, poke: poke, svc: svc, router: router, log: log.With("integration", "api"),
		insighter: cfg.Insights, location: cfg.Location, clock: cfg.Now}, nil
}

// Register adds the API's routes to mux. Each route is guarded by the token.
func (a *API) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		h       http.HandlerFunc
	}{
		{"POST /api/v1/commands", a.command},
		{"POST /api/v1/incidents", a.declare},
		{"GET /api/v1/incidents", a.list},
		{"GET /api/v1/incidents/{key}", a.get},
		{"GET /api/v1/incidents/{key}/audit", a.incidentAudit},
		{"GET /api/v1/audit", a.audit},
		{"GET /api/v1/insights", a.insights},
		{"GET /api/v1/outbox", a.outboxList},
		{"POST /api/v1/outbox/dead/retry", a.outboxRetryAll},
		{"POST /api/v1/outbox/dead/{id}/retry", a.outboxRetry},
		{"DELETE /api/v1/outbox/dead/{id}", a.outboxDrop},
		{"/api/v1/", a.notFound},
	}
	for _, r := range routes {
		mux.Handle(r.pattern, a.guard(r.h))
	}
}

// guard lets a request through only with the right bearer token.
func (a *API) guard(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.token == "" {
			deny(w, "the JSON API is disabled until WARROOM_API_TOKEN is set")
			return
		}
		got := httpx.BearerToken(r)
		if got == "" {
			deny(w, "missing bearer token: send Authorization: Bearer $WARROOM_API_TOKEN")
			return
		}
		if !httpx.TokenEqual(got, a.token) {
			deny(w, "wrong bearer token")
			return
		}
		next(w, r)
	})
}

func deny(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
	httpx.WriteError(w, http.StatusUnauthorized, msg)
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path)
}
