package main

import (
	"context"
	"log/slog"
	"slices"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/pagerduty"
	"github.com/warroom/warroom/integrations/slack"
)

// directory knows people across the systems: the configured people map,
// PagerDuty's on-call (by e-mail) and Slack's users (users.info,
// users.lookupByEmail). The chat apps are built after the router, so they
// are read at call time.
type directory struct {
	people *bot.People
	pd     *pagerduty.Client // nil: no on-call lookup
	slack  func() *slack.Slack
	log    *slog.Logger
}

func newDirectory(people *bot.People, pd *pagerduty.Client, slackApp func() *slack.Slack, log *slog.Logger) *directory {
	return &directory{people: people, pd: pd, slack: slackApp, log: log.With("component", "people")}
}

// identify names the person behind a chat user by e-mail: the people map
// first (the only source for Discord), then Slack's profile.
func (d *directory) identify(ctx context.Context, platform, user string) string {
	if email := d.people.Email(platform, user); email != "" {
		return email
	}
	if platform == slack.Platform {
		if app := d.slack(); app != nil {
			return app.Identify(ctx, platform, user)
		}
	}
	return ""
}

// onCall names the chat users on platform who are on call now for
// service: PagerDuty's on-call e-mail addresses, each mapped through the
// people map, else (Slack) users.lookupByEmail; on the console and the
// API, the e-mail addresses. Someone who maps to no chat user is logged
// and left out.
func (d *directory) onCall(ctx context.Context, platform, service string) ([]string, error) {
	if d.pd == nil || !d.pd.KnowsService(service) {
		return nil, nil
	}
	emails, err := d.pd.OnCallEmails(ctx, service)
	if err != nil {
		return nil, err
	}
	if platform != slack.Platform && platform != discord.Platform {
		return emails, nil // the console and the API have no chat users: e-mail addresses read as well
	}
	var ids []string
	for _, email := range emails {
		id := d.people.ChatID(platform, email)
		if id == "" && platform == slack.Platform {
			if app := d.slack(); app != nil {
				if id, err = app.LookupEmail(ctx, email); err != nil {
					return ids, err
				}
			}
		}
		if id == "" {
			hint := "add it under people:"
			if platform == discord.Platform {
				hint = "Discord has no e-mail lookup: " + hint
			}
			d.log.Info("on-call person has no chat user", "platform", platform, "service", service, "hint", hint)
			continue
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
