package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/servicenow"
)

// ticketConfig is the Service's ticket hook: a target per configured
// ticket system (JIRA_URL, SERVICENOW_URL) and the threshold.
func ticketConfig(cfg config.Config) bot.TicketConfig {
	t := bot.TicketConfig{At: cfg.TicketThreshold, Systems: cfg.TicketSystems}
	if cfg.Jira.URL != "" {
		t.Targets = append(t.Targets, bot.TicketTarget{Name: jira.System, Actions: true, Problems: cfg.Jira.ProblemIssueType != ""})
	}
	if cfg.ServiceNow.URL != "" {
		t.Targets = append(t.Targets, bot.TicketTarget{Name: servicenow.System, Problems: cfg.ServiceNow.Problems})
	}
	return t
}

// tickets holds the ticket integrations that are configured.
type tickets struct {
	jira *jira.Jira
	sn   *servicenow.ServiceNow
}

// newTickets builds the configured ticket integrations over the shared
// budgets and registers their outbox handlers.
func newTickets(cfg config.Config, svc *bot.Service, budgets bot.Budgets, worker *outbox.Worker, log *slog.Logger) (*tickets, error) {
	t := &tickets{}
	if c := cfg.Jira; c.URL != "" {
		j, err := jira.New(jira.Config{
			URL: c.URL, User: c.User, Token: c.Token.Reveal(), Project: c.Project, Auth: c.Auth,
			IssueType: c.IssueType, Priority: c.Priorities, Labels: c.Labels, CustomFields: c.CustomFields,
			CommanderField: c.CommanderField, FieldMap: c.FieldMap, Transitions: c.Transitions, Resolution: c.Resolution,
			ActionIssueType: c.ActionIssueType, ActionDone: c.ActionDone, LinkType: c.LinkType,
			ProblemIssueType: c.ProblemIssueType, Problems: svc.Problems(),
			WebhookSecret: c.WebhookSecret.Reveal(), PublicURL: cfg.PublicURL, Log: log, Budgets: budgets,
			Names: svc.Names().Text,
		}, svc)
		if err != nil {
			return nil, fmt.Errorf("build Jira integration: %w", err)
		}
		t.jira = j
		for kind, h := range j.Handlers() {
			worker.Handle(kind, h)
		}
	}
	if c := cfg.ServiceNow; c.URL != "" {
		snc := servicenow.Config{
			URL: c.URL, User: c.User, Password: c.Password.Reveal(), Auth: c.Auth,
			ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Severity: c.Severity, States: c.States, HoldReason: c.HoldReason, CloseCode: c.CloseCode,
			AssignmentGroup: c.AssignmentGroup, Caller: c.Caller, Category: c.Category, Subcategory: c.Subcategory,
			CMDBCI: c.CMDBCI, Fields: c.Fields, FieldMap: c.FieldMap, PublicURL: cfg.PublicURL, Log: log, Budgets: budgets,
			Names: svc.Names().Text,
		}
		if c.Problems {
			snc.Problems = svc.Problems() // the problem table too
		}
		s, err := servicenow.New(snc, svc)
		if err != nil {
			return nil, fmt.Errorf("build ServiceNow integration: %w", err)
		}
		t.sn = s
		for kind, h := range s.Handlers() {
			worker.Handle(kind, h)
		}
	}
	return t, nil
}

// capabilities gives /incident ticket its Ticketers: Jira and ServiceNow,
// those configured (the severity's ticket_systems choose among them).
func (t *tickets) capabilities(cfg *commands.Config) {
	if t.jira != nil {
		cfg.Ticketers = append(cfg.Ticketers, t.jira)
	}
	if t.sn != nil {
		cfg.Ticketers = append(cfg.Ticketers, t.sn)
	}
	if len(cfg.Ticketers) > 0 {
		cfg.Ticketer = cfg.Ticketers[0]
	}
}

// register adds POST /webhooks/jira when Jira is configured.
func (t *tickets) register(mux *http.ServeMux) {
	if t.jira != nil {
		t.jira.Register(mux)
	}
}

// collectors are the integrations' metrics.
func (t *tickets) collectors() []prometheus.Collector {
	var cs []prometheus.Collector
	if t.jira != nil {
		cs = append(cs, t.jira.Collector())
	}
	if t.sn != nil {
		cs = append(cs, t.sn.Collector())
	}
	return cs
}
