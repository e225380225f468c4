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
	// Token is the bootstrap admin token (WARROOM_API_TOKEN). Named tokens
	// (warroom token create) work besides it; with neither, every request
	// is refused.
	Token string
	// Poke, when set, is called after a request changed something, so the
	// outbox worker delivers its effects at once instead of at its next poll
	// (after a command only where the service does not do so after each
	// commit: bot.Service.PokesAfterCommit).
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
	token string
	poke  func()
	// pokeCommand wakes the worker after a command or a declare: poke,
	// or nothing where the service wakes it after each commit already.
	pokeCommand func()
	svc         *bot.Service
	router      *commands.Router
	log         *slog.Logger

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
	pokeCommand := poke
	if svc.PokesAfterCommit() {
		pokeCommand = func() {}
	}
	return &API{token: cfg.Token, poke: poke, pokeCommand: pokeCommand, svc: svc, router: router, log: log.With("integration", "api"),
		insighter: cfg.Insights, location: cfg.Location, clock: cfg.Now}, nil
}

// Register adds the API's routes to mux. Each route is guarded by a token
// whose role allows it: viewers read, responders change incidents, admins
// manage dead letters. A viewer may send read-only commands.
func (a *API) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		need    bot.TokenRole
		h       handler
	}{
		{"POST /api/v1/commands", bot.RoleViewer, a.command},
		{"POST /api/v1/incidents", bot.RoleResponder, a.declare},
		{"GET /api/v1/incidents", bot.RoleViewer, a.list},
		{"GET /api/v1/incidents/{key}", bot.RoleViewer, a.get},
		{"GET /api/v1/incidents/{key}/audit", bot.RoleViewer, a.incidentAudit},
		{"GET /api/v1/audit", bot.RoleViewer, a.audit},
		{"GET /api/v1/actions", bot.RoleViewer, a.actions},
		{"GET /api/v1/problems", bot.RoleViewer, a.problems},
		{"POST /api/v1/problems", bot.RoleResponder, a.createProblem},
		{"GET /api/v1/problems/{key}", bot.RoleViewer, a.getProblem},
		{"PATCH /api/v1/problems/{key}", bot.RoleResponder, a.patchProblem},
		{"POST /api/v1/problems/{key}/link", bot.RoleResponder, a.linkProblem},
		{"POST /api/v1/problems/{key}/unlink", bot.RoleResponder, a.unlinkProblem},
		{"POST /api/v1/problems/{key}/actions", bot.RoleResponder, a.addProblemAction},
		{"GET /api/v1/insights", bot.RoleViewer, plain(a.insights)},
		{"GET /api/v1/catalog", bot.RoleViewer, plain(a.catalog)},
		{"GET /api/v1/outbox", bot.RoleViewer, plain(a.outboxList)},
		{"POST /api/v1/outbox/dead/retry", bot.RoleAdmin, a.outboxRetryAll},
		{"POST /api/v1/outbox/dead/{id}/retry", bot.RoleAdmin, a.outboxRetry},
		{"DELETE /api/v1/outbox/dead/{id}", bot.RoleAdmin, a.outboxDrop},
		{"/api/v1/", bot.RoleViewer, plain(a.notFound)},
	}
	for _, r := range routes {
		mux.Handle(r.pattern, a.guard(r.need, r.h))
	}
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	httpx.WriteError(w, http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path)
}
