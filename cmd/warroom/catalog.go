package main

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/postmortem"
	"github.com/warroom/warroom/config"
)

// applyNames sets the configured severity names and status labels, which
// every renderer reads (bot/severity_names.go).
func applyNames(cfg config.Config) error {
	if err := bot.SetSeverityLevels(cfg.SeverityLevels()); err != nil {
		return fmt.Errorf("severity_names: %w", err)
	}
	if err := bot.SetStatusLabels(cfg.StatusLabels); err != nil {
		return fmt.Errorf("status_labels: %w", err)
	}
	return nil
}

// postmortemByType drafts an incident's postmortem from its type's
// template, and from def for a type without one.
func postmortemByType(cfg config.Config, loc *time.Location, def func(context.Context, *bot.Incident, []bot.Entry, []bot.ActionItem, time.Time) (string, error)) (func(context.Context, *bot.Incident, []bot.Entry, []bot.ActionItem, time.Time) (string, error), error) {
	byType := map[string]*postmortem.Drafter{}
	for _, t := range cfg.Types {
		if t.Text == "" {
			continue
		}
		d, err := postmortem.New(postmortem.Config{Template: t.Text, Name: t.Postmortem, Location: loc})
		if err != nil {
			return nil, fmt.Errorf("incident type %s: postmortem_template: %w", t.Name, err)
		}
		byType[t.Name] = d
	}
	if len(byType) == 0 {
		return def, nil
	}
	return func(ctx context.Context, inc *bot.Incident, tl []bot.Entry, items []bot.ActionItem, now time.Time) (string, error) {
		if d, ok := byType[inc.Type]; ok {
			return d.Render(ctx, inc, tl, items, now)
		}
		return def(ctx, inc, tl, items, now)
	}, nil
}
