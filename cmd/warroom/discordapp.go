package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/discord"
)

// discordApp is the Discord integration as the application runs it; nil
// when Discord is off (its methods then do nothing).
type discordApp struct {
	app *discord.Discord
	log *slog.Logger
}

// discordConfig is the Discord application's configuration.
func discordConfig(cfg config.Config) discord.Config {
	d := cfg.Discord
	return discord.Config{
		BotToken: d.BotToken.Reveal(), PublicKey: d.PublicKey, AppID: d.AppID, APIURL: d.APIURL,
		Guild: d.Guild, Forum: d.ForumChannel, Parent: d.ParentChannel, Announce: d.AnnounceChannel,
		ResponderRoles: d.ResponderRoles, Types: cfg.IncidentTypes(),
	}
}

// newDiscord builds the Discord application and registers its outbox
// handlers, or returns nil when Discord is not configured. A wrong public
// key fails here, at start-up. Its rate limits and pacing are kept in the
// database (budgets), so every replica honours them.
func newDiscord(cfg config.Config, svc *bot.Service, router *commands.Router, w *outbox.Worker, pm commands.Postmortems, budgets bot.Budgets, oncall bot.OnCallMentions, log *slog.Logger) (*discordApp, error) {
	if !cfg.DiscordOn() {
		return nil, nil
	}
	dc := discordConfig(cfg)
	dc.PostmortemDrafts, dc.Poke, dc.OnCall = pm != nil, w.Poke, oncall
	dc.Budget = discord.SharedBudget(budgets, discord.DefaultEditInterval, log.With("integration", "discord"))
	app, err := discord.New(dc, svc, router, log)
	if err != nil {
		return nil, fmt.Errorf("build discord app: %w", err)
	}
	for kind, h := range app.Handlers() {
		w.Handle(kind, h)
	}
	return &discordApp{app: app, log: log}, nil
}

// handles lists the outbox job kinds Discord handles; none when Discord
// is off.
func (d *discordApp) handles() map[bot.JobKind]bool {
	if d == nil {
		return nil
	}
	return kinds(d.app.Handlers())
}

// register mounts /discord/interactions.
func (d *discordApp) register(mux *http.ServeMux) {
	if d != nil {
		d.app.Register(mux)
	}
}

// run checks the token and learns the bot's id. A refused token is logged
// and stops Discord delivery; the rest of warroom runs on.
func (d *discordApp) run(ctx context.Context) {
	if d == nil {
		return
	}
	if err := d.app.Start(ctx); err != nil {
		d.log.Error("discord start", "err", err)
	}
}

// discordCommand runs `warroom discord register [--guild ID]`.
func (c *cli) discordCommand(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "register" {
		fmt.Fprintln(c.stderr, "usage: warroom discord register [--guild ID]")
		return exitUsage
	}
	fs := c.flags("warroom discord register")
	guild := fs.String("guild", "", "install the commands in this server `id` (default discord.guild; none: globally)")
	if err := fs.Parse(args[1:]); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "warroom discord register: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg, ok := c.load("discord register")
	if !ok {
		return exitError
	}
	if *guild == "" {
		*guild = cfg.Discord.Guild
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := discord.Install(ctx, discordConfig(cfg), *guild)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom discord register: %v\n", err)
		return exitError
	}
	where := "globally (Discord may take up to an hour to show them)"
	if *guild != "" {
		where = "in server " + *guild
	}
	fmt.Fprintf(c.stdout, "registered %d Discord commands %s\n", n, where)
	return exitOK
}
