package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/postmortem"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/chart"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/slack"
)

// serviceInsights is what the Service needs for SLA and action reminders
// and postmortem drafts: the template is parsed here, at start.
func serviceInsights(cfg config.Config) (bot.InsightsConfig, error) {
	in := cfg.Insights
	cal := in.Calendar
	ic := bot.InsightsConfig{
		Off: in.Reminders.Off, RemindAt: in.Reminders.RemindAt,
		ActionRemindBefore: in.Reminders.ActionRemindBefore, ActionRemindEvery: in.Reminders.ActionRemindEvery,
		PostmortemDue: cal.Due,
	}
	if in.Postmortem.Off {
		return ic, nil
	}
	d, err := postmortem.New(postmortem.Config{Template: in.Postmortem.Text, Name: in.Postmortem.Template, Location: cal.Location})
	if err != nil {
		return ic, fmt.Errorf("postmortem.template: %w", err)
	}
	ic.Postmortem, err = postmortemByType(cfg, cal.Location, d.Render) // catalog.go
	return ic, err
}

// insights is the digests and postmortems, wired.
type insights struct {
	svc *bot.Service

	runner *digests.Runner
	cfg    config.Config
	// figures is the same computation as the digests', without the PNG:
	// the JSON API's and the console's insights.
	figures *digest.Builder
}

func newInsights(cfg config.Config, svc *bot.Service, store bot.Store, w *outbox.Worker, log *slog.Logger) (*insights, error) {
	var scheds []digest.Schedule
	for _, d := range cfg.Insights.Digests {
		scheds = append(scheds, d.Schedule())
	}
	runner, err := digests.NewRunner(digests.RunnerConfig{
		Schedules: scheds, Targets: []string{console.Platform}, Owner: w.Owner(), AfterPost: w.Poke,
	}, store, digest.NewBuilder(store, cfg.SLAs, chart.Draw).WithCandidates(cfg.Insights.Problems.Rule()), log)
	if err != nil {
		return nil, fmt.Errorf("build digests: %w", err)
	}
	return &insights{svc: svc, runner: runner, cfg: cfg, figures: digest.NewBuilder(store, cfg.SLAs, nil).WithCandidates(cfg.Insights.Problems.Rule())}, nil
}

// capabilities fills the router's Digester and Postmortem.
func (in *insights) capabilities(rc *commands.Config) {

	rc.Digester = digests.Command{Runner: in.runner, Defaults: in.defaults()}
	if !in.cfg.Insights.Postmortem.Off {
		rc.Postmortem = postmortems{svc: in.svc}
	}
}

// defaults are the options of digests posted on request.
func (in *insights) defaults() digest.Options {
	return digest.Options{Location: in.cfg.Insights.Calendar.Location}
}

// targets sends digests to the console and to every chat target that
// handles digest jobs (handled: the job kinds of each chat app).
func (in *insights) targets(handled ...map[bot.JobKind]bool) {
	t := []string{console.Platform}
	for _, p := range []string{slack.Platform, discord.Platform} {
		for _, w := range handled {
			if w[bot.JobKindOf(p, bot.EffectDigest)] {
				t = append(t, p)
				break
			}
		}
	}
	in.runner.SetTargets(t)
}

// postmortems is the /incident postmortem capability: it regenerates and
// stores the draft.
type postmortems struct{ svc *bot.Service }

func (p postmortems) Draft(ctx context.Context, inc *bot.Incident) (string, error) {
	return p.svc.RegeneratePostmortem(ctx, inc.Number, "")
}

// handles lists the outbox job kinds Slack handles; none when Slack is off.
func (s *slackApp) handles() map[bot.JobKind]bool {
	if s == nil {
		return nil
	}
	return kinds(s.app.Handlers())
}

// kinds is the set of job kinds of a chat app's handlers.
func kinds(hs map[bot.JobKind]bot.Handler) map[bot.JobKind]bool {
	out := map[bot.JobKind]bool{}
	for k := range hs {
		out[k] = true
	}
	return out
}
