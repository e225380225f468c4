package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/digests"
)

// Reload applies the parts of cfg a running warroom takes without a
// restart: alert routes and tuning, maintenance windows, digest schedules
// and escalation settings (README: Reloading the configuration). Every part
// is checked before any is applied, so an invalid cfg changes nothing.
// Other settings (addresses, database, secrets, integrations) need a
// restart.
func (a *App) Reload(ctx context.Context, cfg config.Config) error {
	scheds := make([]digest.Schedule, 0, len(cfg.Insights.Digests))
	for _, d := range cfg.Insights.Digests {
		scheds = append(scheds, d.Schedule())
	}
	if err := digests.CheckSchedules(scheds); err != nil {
		return fmt.Errorf("digests: %w", err)
	}
	windows := cfg.Maintenance.Windows()
	for _, w := range windows {
		if strings.TrimSpace(w.Name) == "" {
			return fmt.Errorf("maintenance: a configured window needs a name")
		}
	}
	_, esc := servicePaging(cfg)
	if err := a.svc.Reload(bot.Reloadable{Alerts: cfg.AlertConfig(), Escalation: esc}); err != nil {
		return fmt.Errorf("routes or escalation: %w", err)
	}
	if err := a.digests.SetSchedules(scheds); err != nil { // checked above: cannot fail
		return fmt.Errorf("digests: %w", err)
	}
	if err := a.svc.StartConfigured(ctx, windows); err != nil {
		return fmt.Errorf("maintenance: %w", err)
	}
	return nil
}

// reloadOnSignal reloads the configuration each time sig delivers (SIGHUP),
// until ctx ends: load reads and validates the file; a file that does not
// load or apply keeps the running configuration, and one log line says
// why, naming the key.
func (a *App) reloadOnSignal(ctx context.Context, sig <-chan os.Signal, load func() (config.Config, error), log *slog.Logger, reloaded func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
		}
		err := a.reloadFrom(ctx, load, log)
		if reloaded != nil {
			reloaded(err)
		}
	}
}

func (a *App) reloadFrom(ctx context.Context, load func() (config.Config, error), log *slog.Logger) error {
	cfg, err := load()
	if err == nil {
		err = a.Reload(ctx, cfg)
	}
	if err != nil {
		log.Error("configuration not reloaded; the running configuration stays",
			slog.String("error", joinLines(err.Error())))
		return err
	}
	log.Info("configuration reloaded: routes, maintenance windows, digests and escalation",
		"routes", len(cfg.AlertConfig().Routes), "maintenance_windows", len(cfg.Maintenance.Windows()),
		"digests", len(cfg.Insights.Digests))
	return nil
}

// joinLines joins the lines of a multi-line error with "; ".
func joinLines(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}
