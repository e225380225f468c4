package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/engine/schedule"
	"github.com/warroom/warroom/integrations/api"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/storage/postgres"
	"github.com/warroom/warroom/storage/sqlite"
)

// Shutdown budget, inside shutdownLimit: draining HTTP, then the worker
// (which releases its leases within its own 5 s).
const (
	drainTimeout      = 15 * time.Second
	workerStopTimeout = 8 * time.Second
)

// App is a running warroom: the store, the domain service, the command
// router, the adapters, the engine (outbox worker and scheduler) and the
// HTTP server.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	store   bot.Store
	svc     *bot.Service
	worker  *outbox.Worker
	sched   *schedule.Scheduler // scheduler.go
	digests *digests.Runner     // scheduled digests, reloaded on SIGHUP (reload.go)
	paging  *paging             // PagerDuty (paging.go)
	slack   *slackApp
	discord *discordApp // discordapp.go
	names   *bot.Names  // display names (people.go)
	metrics *metrics
	handler http.Handler
	server  *http.Server
	ln      net.Listener
}

// Open builds the application and starts listening, but serves nothing
// until Run. It does no slow work: opening SQLite and applying migrations
// take milliseconds.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, store: store}
	if err := a.build(); err != nil {
		_ = store.Close()
		return nil, err
	}
	if err := a.svc.StartConfigured(ctx, cfg.Maintenance.Windows()); err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("store configured maintenance windows: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	a.ln = ln
	a.server = newServer(a.handler, log)
	return a, nil
}

// openStore opens the database WARROOM_DB names, applying migrations.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (bot.Store, error) {
	if cfg.DB.IsPostgres() {
		s, err := postgres.Open(ctx, postgres.Config{DSN: cfg.DB.Reveal(), MaxConns: cfg.DBMaxConns, AsyncCommit: cfg.DBSyncCommit == "off"}, log.With("store", "postgres"))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", cfg.DB, err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, sqlite.Config{Path: cfg.DB.Reveal(), Synchronous: cfg.DBSynchronous}, log.With("store", "sqlite"))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return s, nil
}

// build wires everything above the store. It is the one place that knows
// every package.
func (a *App) build() error {
	cfg, log := a.cfg, a.log
	a.worker = outbox.New(outbox.Config{
		Lease: cfg.Outbox.Lease, Batch: cfg.Outbox.Batch, Concurrency: cfg.Outbox.Concurrency, Lanes: cfg.Outbox.Lanes,
		MaxFailures: cfg.Outbox.MaxFailures, MaxFailureAge: cfg.Outbox.MaxFailureAge,
	}, a.store, log)
	if h, ok := a.store.(interface{ SetHandoff(bot.Handoff) }); ok {
		h.SetHandoff(a.worker) // jobs written claimed by the worker as they are enqueued
	}
	people, err := bot.NewPeople(cfg.PeopleList())
	if err != nil {
		return fmt.Errorf("read people: %w", err)
	}
	a.names = bot.NewNames(a.store, people, 0, nil, log)
	pagingCfg, escalationCfg := servicePaging(cfg)
	insightsCfg, err := serviceInsights(cfg) // insights.go
	if err != nil {
		return err
	}
	if err := applyNames(cfg); err != nil { // catalog.go
		return err
	}
	svc, err := bot.NewService(bot.Config{
		Paging: pagingCfg, Escalation: escalationCfg, Insights: insightsCfg,
		SLAs: cfg.SLAs, Roles: cfg.Roles, Targets: chatTargets(cfg),
		PublicURL: cfg.PublicURL, AfterCommit: a.worker.Poke, Tickets: ticketConfig(cfg),
		Alerts: cfg.AlertConfig(), RevealPrivateTitles: cfg.Access.RevealPrivateTitles, Services: cfg.ServiceConfigs(),
		Names: a.names,
		Types: cfg.IncidentTypes(), Fields: cfg.FieldDefs(),
	}, a.store, log)
	if err != nil {
		return fmt.Errorf("build service: %w", err)
	}
	a.svc = svc
	if a.paging, err = newPaging(cfg, svc, a.store, a.worker, log); err != nil {
		return err
	}
	ins, err := newInsights(cfg, svc, a.store, a.worker, log) // digests and postmortems (insights.go)
	if err != nil {
		return err
	}
	a.digests = ins.runner
	a.sched = newScheduler(cfg, svc, a.store, ins.runner, log)
	a.metrics = newMetrics(a.store, a.worker, time.Now, log)
	a.metrics.reg.MustRegister(&heldCollector{store: a.store, names: integrationNames(cfg), log: log})
	routerCfg := commands.Config{Observe: a.metrics.observeCommand, Maintenance: svc.Maintenance(), Permissions: permissions(cfg.Access)}
	// Chat users are also known by their e-mail address (people.go); the
	// Slack app is built after the router, so it is looked up at call time.
	dir := newDirectory(people, a.paging.pd, func() *slack.Slack {
		if a.slack == nil {
			return nil
		}
		return a.slack.app
	}, log)
	routerCfg.Identify, routerCfg.ServiceOnCall = dir.identify, dir.onCall
	a.paging.capabilities(&routerCfg, cfg)
	tk, err := newTickets(cfg, svc, a.store, a.worker, log) // Jira and ServiceNow (tickets.go)
	if err != nil {
		return err
	}
	tk.capabilities(&routerCfg)
	ins.capabilities(&routerCfg)
	a.metrics.reg.MustRegister(tk.collectors()...)
	router, err := commands.New(svc, routerCfg, log)
	if err != nil {
		return fmt.Errorf("build command router: %w", err)
	}
	jsonAPI, err := api.New(api.Config{Token: cfg.APIToken.Reveal(), Poke: a.worker.Poke,
		Insights: ins.figures, Location: cfg.Insights.Calendar.Location}, svc, router, log)
	if err != nil {
		return fmt.Errorf("build JSON API: %w", err)
	}
	announce := cfg.AnnounceChannel
	if announce == "" {
		announce = console.NoAnnounce
	}
	con, err := console.New(console.Config{
		Token: cfg.APIToken.Reveal(), Public: cfg.Public(), Announce: announce, Poke: a.worker.Poke, Holds: a.store,
		Insights: ins.figures, Location: cfg.Insights.Calendar.Location,
		Hosts: publicHosts(cfg.PublicURL), OIDC: consoleOIDC(cfg), LocalUser: localUser(cfg.Access.LocalUser),
		Budgets: a.store,
	}, svc, router, log)
	if err != nil {
		return fmt.Errorf("build web console: %w", err)
	}
	for kind, h := range con.Handlers() {
		a.worker.Handle(kind, h)
	}
	if a.slack, err = newSlack(cfg, svc, a.store, router, a.worker, routerCfg.Postmortem, dir.onCall, log); err != nil {
		return err
	}
	if a.discord, err = newDiscord(cfg, svc, router, a.worker, routerCfg.Postmortem, a.store, dir.onCall, log); err != nil {
		return err
	}
	ins.targets(a.slack.handles(), a.discord.handles())
	if a.slack != nil {
		a.names.Resolve(slack.Platform, a.slack.app.DisplayName)
	}
	if a.discord != nil {
		a.names.Resolve(discord.Platform, a.discord.app.DisplayName)
	}

	mux := http.NewServeMux()
	jsonAPI.Register(mux)
	con.Register(mux)
	a.slack.register(mux)
	a.discord.register(mux)
	a.paging.register(mux)
	tk.register(mux)
	if err := registerReceivers(mux, cfg, svc, a.metrics.reg, log); err != nil {
		return err
	}
	routes(mux, a.store.Ping, a.metrics, log)
	a.handler = middleware(mux, a.metrics, log)
	return nil
}

// URL is where the server listens, e.g. http://127.0.0.1:8080.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// Handler is the whole HTTP handler, middleware included.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves HTTP and runs the outbox worker until ctx ends, then shuts
// down gracefully: stop accepting, drain in-flight requests, stop the
// worker (it returns its leased jobs to the queue). Close the App after.
func (a *App) Run(ctx context.Context) error {
	workerCtx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- a.worker.Run(workerCtx) }()
	schedDone := make(chan struct{})
	go runScheduler(workerCtx, a.sched, schedDone)
	go a.names.Run(workerCtx, time.Minute)
	go a.slack.run(workerCtx)
	go a.discord.run(workerCtx)
	served := make(chan error, 1)
	go func() { served <- a.server.Serve(a.ln) }()
	bi := readBuildInfo()
	a.log.Info("warroom listening on "+a.URL(), "public_url", a.cfg.PublicURL, "db", a.cfg.DB,
		"console_login", a.cfg.Public(), "version", bi.Version)

	var err error
	select {
	case <-ctx.Done():
		a.log.Info("shutting down", "reason", context.Cause(ctx))
	case err = <-served:
		err = fmt.Errorf("serve http: %w", err)
	}

	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if e := a.server.Shutdown(dctx); e != nil {
		_ = a.server.Close()
		err = errors.Join(err, fmt.Errorf("drain http requests: %w", e))
	}
	stopWorker()
	select {
	case <-schedDone:
	case <-time.After(schedulerStopTimeout):
		err = errors.Join(err, errors.New("stop scheduler: timed out"))
	}
	t := time.NewTimer(workerStopTimeout)
	defer t.Stop()
	select {
	case e := <-workerDone:
		if e != nil {
			err = errors.Join(err, fmt.Errorf("stop outbox worker: %w", e))
		}
	case <-t.C:
		err = errors.Join(err, errors.New("stop outbox worker: timed out"))
	}
	return err
}

// Close closes the listener (if Run never served it) and the store. Call
// it after Run returns.
func (a *App) Close() error {
	_ = a.ln.Close()
	if err := a.store.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// publicHosts is the host of the public URL, which a loopback console
// answers to besides loopback names (a reverse proxy or tunnel in front).
func publicHosts(public string) []string {
	u, err := url.Parse(public)
	if err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Host}
}

// permissions are the command router's, from the access section.
func permissions(a config.Access) commands.Permissions {
	return commands.Permissions{
		Declare: a.Declare, Close: a.Close, EditTimes: a.EditTimes,
		Maintenance: a.Maintenance, SeePrivate: a.SeePrivate,
	}
}

// consoleOIDC is the console's sign-in, when an issuer is configured.
func consoleOIDC(cfg config.Config) *console.OIDC {
	o := cfg.Access.OIDC
	if o.Issuer == "" {
		return nil
	}
	roles := map[string]bot.TokenRole{}
	for v, r := range o.Roles {
		roles[v] = bot.TokenRole(r)
	}
	return &console.OIDC{
		Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret.Reveal(),
		RedirectURL: cfg.PublicURL + "/auth/callback", Claim: o.Claim, Roles: roles, Session: o.Session,
	}
}
