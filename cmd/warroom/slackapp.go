package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/slack"
)

// chatTargets are the chat platforms the Service writes open, card and post
// effects for: the console always, Slack when SLACK_BOT_TOKEN is set,
// Discord when DISCORD_BOT_TOKEN is.
func chatTargets(cfg config.Config) []string {
	t := []string{console.Platform}
	if cfg.SlackOn() {
		t = append(t, slack.Platform)
	}
	if cfg.DiscordOn() {
		t = append(t, discord.Platform)
	}
	return t
}

// slackApp is the Slack integration as the application runs it; nil when
// Slack is off (its methods then do nothing).
type slackApp struct {
	app    *slack.Slack
	socket bool
	log    *slog.Logger
}

// newSlack builds the Slack app over the shared budgets and registers its
// outbox handlers, or returns nil when Slack is not configured.
func newSlack(cfg config.Config, svc *bot.Service, budgets bot.Budgets, router *commands.Router, w *outbox.Worker, pm commands.Postmortems, oncall bot.OnCallMentions, log *slog.Logger) (*slackApp, error) {
	if !cfg.SlackOn() {
		return nil, nil
	}
	app, err := slack.New(slack.Config{
		BotToken: cfg.Slack.BotToken.Reveal(), SigningSecret: cfg.Slack.SigningSecret.Reveal(),
		PreviousSigningSecret: cfg.Slack.PreviousSigningSecret.Reveal(), AppToken: cfg.Slack.AppToken.Reveal(),
		APIURL: cfg.Slack.APIURL, Announce: cfg.AnnounceChannel,
		Responders: cfg.Slack.Responders, UserGroups: cfg.Slack.UserGroups,
		PostmortemDrafts: pm != nil, Poke: w.Poke, Budgets: budgets, OnCall: oncall,
	}, svc, router, log)
	if err != nil {
		return nil, fmt.Errorf("build slack app: %w", err)
	}
	for kind, h := range app.Handlers() {
		w.Handle(kind, h)
	}
	return &slackApp{app: app, socket: cfg.Slack.AppToken.IsSet(), log: log}, nil
}

// register mounts /slack/commands, /slack/interactions and /slack/events.
func (s *slackApp) register(mux *http.ServeMux) {
	if s != nil {
		s.app.Register(mux)
	}
}

// run checks the token and, with an app token, serves Socket Mode until
// ctx ends. A rejected token is logged and holds Slack delivery until a
// probe gets through; the rest of warroom runs on.
func (s *slackApp) run(ctx context.Context) {
	if s == nil {
		return
	}
	if err := s.app.Start(ctx); err != nil {
		s.log.Error("slack start", "err", err)
	}
	if !s.socket {
		return
	}
	if err := s.app.RunSocket(ctx); err != nil {
		s.log.Error("slack socket mode", "err", err)
	}
}
