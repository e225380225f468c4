package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/pagerduty"
)

// servicePaging is what the Service needs to page and escalate: paging
// through PagerDuty when a routing key is set.
func servicePaging(cfg config.Config) (bot.PagingConfig, bot.EscalationConfig) {
	var p bot.PagingConfig
	if cfg.PagerDuty.RoutingKey.IsSet() {
		p = bot.PagingConfig{Targets: []string{pagerduty.Target}, PageAt: cfg.PagerDuty.PageAt}
	}
	e := bot.EscalationConfig{Off: !cfg.Escalation.Enabled, Levels: cfg.Escalation.Levels, Mention: cfg.Escalation.Mention,
		Managers: cfg.Escalation.Managers}
	return p, e
}

// paging is the PagerDuty integration, wired.
type paging struct {
	pd *pagerduty.Client // nil when PagerDuty is not configured
}

// newPaging builds the PagerDuty integration (when configured) over the
// shared budgets and registers its outbox handlers.
func newPaging(cfg config.Config, svc *bot.Service, budgets bot.Budgets, worker *outbox.Worker, log *slog.Logger) (*paging, error) {
	p := &paging{}
	pdc := cfg.PagerDuty
	if !pdc.RoutingKey.IsSet() && !pdc.Token.IsSet() {
		return p, nil
	}
	keys := map[string]string{}
	for name, s := range cfg.PagerDuty.ServiceKeys {
		keys[name] = s.Reveal()
	}
	client, err := pagerduty.New(pagerduty.Config{
		Token: pdc.Token.Reveal(), RoutingKey: pdc.RoutingKey.Reveal(), WebhookSecret: pdc.WebhookSecret.Reveal(),
		APIURL: pdc.APIURL, EventsURL: pdc.EventsURL, From: cfg.PagerDuty.From, Services: keys,
		UserService: cfg.PagerDuty.UserService, Users: cfg.PagerDuty.Users, Schedules: cfg.PagerDuty.Schedules,
		ServiceIDs: cfg.PagerDuty.ServiceIDs,
		Triggered:  pagerduty.TriggeredMode(cfg.PagerDuty.Triggered), CacheTTL: cfg.PagerDuty.OnCallCache,
		Budgets: budgets,
	}, svc, log)
	if err != nil {
		return nil, fmt.Errorf("build PagerDuty integration: %w", err)
	}
	for kind, h := range client.Handlers() {
		worker.Handle(kind, h)
	}
	p.pd = client
	return p, nil
}

// capabilities fills the router's Pager and OnCall (left nil, not a typed
// nil, when PagerDuty is not configured).
func (p *paging) capabilities(cfg *commands.Config, c config.Config) {
	if p.pd == nil {
		return
	}
	cfg.Pager = p.pd
	if c.PagerDuty.Token.IsSet() {
		cfg.OnCall = p.pd
	}
}

// register adds the PagerDuty webhook route when its secret is set.
func (p *paging) register(mux *http.ServeMux) {
	if p.pd != nil {
		p.pd.Register(mux)
	}
}
