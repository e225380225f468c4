package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Environment lines most commands share.
const (
	envConfig = "WARROOM_CONFIG\tthe YAML configuration file, when --config is not given"
	envDB     = "WARROOM_DB\tthe database: a SQLite file path or a postgres:// URL (default warroom.db)"
	envAll    = "(all)\tevery variable of the README's configuration table; the environment wins over the file"
	envLog    = "WARROOM_LOG_LEVEL, WARROOM_LOG_FORMAT\thow it logs to standard error"
)

// commands is every subcommand, in the order help lists them.
func cliCommands() []cliCommand {
	return []cliCommand{
		{
			name: "serve", usage: "[--config FILE]",
			short: "run the bot: HTTP server, web console, JSON API, outbox worker",
			long: "Applies the database migrations, then serves chat, webhooks, the web console and the API " +
				"until SIGINT or SIGTERM, after which it drains requests and hands back its outbox jobs within 25 s.",
			env: []string{envConfig, envAll},
			run: func(c *cli, ctx context.Context, args []string) int { return c.serve(ctx, args) },
		},
		{
			name: "migrate", usage: "[--config FILE]",
			short: "apply database migrations, print the schema version and exit",
			long:  "Creates the database when it is missing (SQLite) and brings its schema to this release's version.",
			env:   []string{envConfig, envDB},
			run:   func(c *cli, ctx context.Context, args []string) int { return c.migrate(ctx, args) },
		},
		{
			name: "config check", usage: "[--config FILE]",
			short: "validate the configuration and print it, secrets redacted",
			long: "Reads the defaults, then the file, then the environment, validates the result and prints the " +
				"effective configuration with every secret shown as <redacted>. Exit 1 when it is invalid.",
			env: []string{envConfig, envAll},
			run: func(c *cli, ctx context.Context, args []string) int { return c.configCheck(args) },
		},
		{
			name: "version", usage: "",
			short: "print the version, commit and Go version (also: warroom --version)",
			run: func(c *cli, ctx context.Context, args []string) int {
				if err := c.parse("version", args); err != nil {
					return flagExit(err)
				}
				fmt.Fprintln(c.stdout, readBuildInfo())
				return exitOK
			},
		},
		{
			name: "route", usage: "--dry-run [--source NAME] [--config FILE] FILE",
			short: "show how alerts would be routed and what would happen",
			long: "Decodes a monitoring payload, routes its alerts with the configured rules and, when the database " +
				"exists, says what would happen to each (it only reads; a missing database is not created). " +
				"The source is detected from the payload unless --source names it.",
			args:     []string{"FILE\ta payload as the sender posts it: " + strings.Join(sourceNames(), ", ")},
			env:      []string{envConfig, envDB},
			run:      func(c *cli, ctx context.Context, args []string) int { return c.route(ctx, args) },
			complete: completeSource,
		},
		{
			name: "digest", usage: "[--period 7d|30d|90d|quarter|all] [--severity LIST] [--service LIST] [--source LIST] [--sections LIST] [--chart FILE] [--post] [--format markdown|json] [--now T]",
			short: "print the KPI digest as markdown, or post it to the digest channels",
			long: "Computes the KPI digest over the period from the database and prints it as markdown. " +
				"Without --post it only reads and never creates a database; --post queues it for the " +
				"configured digest channels, which the running server delivers.",
			env: []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int { return c.digest(ctx, args) },
		},
		{
			name: "postmortem", usage: "[--config FILE] INC-42",
			short: "print the postmortem draft of an incident as markdown",
			long:  "Renders the incident's postmortem draft (postmortem.template, or the built-in one). It only reads.",
			args:  []string{"INC-42\tthe incident's key (INC-42 or 42)"},
			env:   []string{envConfig, envDB},
			run:   func(c *cli, ctx context.Context, args []string) int { return c.postmortem(ctx, args) },
		},
		{
			name: "export", usage: "[--format csv|json|bundle] [--audit] [--since DATE] [--output FILE]",
			short: "write the incident history with times, durations and SLA columns, the audit, or a bundle of everything",
			long: "Writes every incident (or those declared since DATE) in the format `warroom import` reads; the README's \"Export and import format\" names the columns. " +
				"--audit writes the audit records (made since DATE) instead, for auditors. --format bundle writes the whole history " +
				"(incidents, timeline, action items, alerts, maintenance windows, postmortems, timers, audit) for `warroom import` into an empty database. " +
				"Progress shows on standard error when it is a terminal. It only reads.",
			env: []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int { return c.export(ctx, args) },
		},
		{
			name: "import", usage: "[--format csv|json|bundle] FILE",
			short: "load history in the export's format (idempotent by key), or a bundle into an empty database",
			long: "Creates or updates incidents from a file written by `warroom export` or by hand; importing the same file twice changes nothing. " +
				"A bundle (`warroom export --format bundle`) is checked whole, then written in one transaction into a database that holds no history yet, ids and keys kept. " +
				"Progress shows on standard error when it is a terminal.",
			args: []string{"FILE\ta CSV, JSON or bundle file; a bundle is known by its first line, CSV or JSON by the extension, unless --format names it"},
			env:  []string{envConfig, envDB},
			run:  func(c *cli, ctx context.Context, args []string) int { return c.importHistory(ctx, args) },
		},
		{
			name: "db backup", usage: "[--config FILE] BACKUP.db",
			short: "copy the SQLite database online and consistently, then check the copy",
			long: "Writes one consistent snapshot of the SQLite database to a new file with VACUUM INTO while " +
				"warroom keeps running, then runs PRAGMA integrity_check on the copy. To restore, stop warroom " +
				"and put the copy in place of the database (README: Backup and restore). PostgreSQL: use pg_dump.",
			args: []string{"BACKUP.db	the new file to write (an existing one is refused)"},
			env:  []string{envConfig, envDB},
			run:  func(c *cli, ctx context.Context, args []string) int { return c.dbBackup(ctx, args) },
		},
		{
			name: "db copy", usage: "[--config FILE] [--force-empty] --to postgres://USER@HOST:5432/DB",
			short: "copy the SQLite database whole into PostgreSQL and verify the row counts",
			long: "Migrates the target, copies every table of the SQLite database in one transaction (ids, the " +
				"incident counter and the id sequences kept, so numbering continues) and compares the row count " +
				"of every table before it commits. A target that holds warroom data is refused unless " +
				"--force-empty deletes it first. Stop warroom before copying (README: Moving to PostgreSQL).",
			env: []string{envConfig, envDB, "PGPASSWORD	the target's password, to keep it out of the --to URL"},
			run: func(c *cli, ctx context.Context, args []string) int { return c.dbCopy(ctx, args) },
		},
		{
			name: "healthcheck", usage: "[--addr HOST:PORT] [--ready]",
			short: "probe a running warroom's /healthz (or /readyz); exit 0 when healthy",
			long:  "For orchestrators that run a command in the container, which has neither a shell nor curl.",
			env:   []string{"WARROOM_ADDR\tthe address to probe when --addr is not given (0.0.0.0 is probed on 127.0.0.1)", envConfig},
			run:   func(c *cli, ctx context.Context, args []string) int { return c.healthcheck(ctx, args) },
		},
		{
			name: "outbox list", usage: "[--config FILE] [--dead] [--limit N]",
			short: "list the jobs waiting for delivery, or the dead letters",
			long: "Shows each job's id, target, kind, incident, failures and last error. Dead letters are jobs " +
				"whose failure budget ran out (README: Outbox); retry or drop them by id.",
			env: []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.outbox(ctx, append([]string{"list"}, args...))
			},
		},
		{
			name: "outbox retry", usage: "[--config FILE] ID | --all-dead",
			short: "send a dead letter (or every one) again with a fresh failure budget",
			args:  []string{"ID\tthe job id `warroom outbox list --dead` shows"},
			env:   []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.outbox(ctx, append([]string{"retry"}, args...))
			},
		},
		{
			name: "outbox drop", usage: "[--config FILE] ID",
			short: "delete a dead letter for good",
			args:  []string{"ID\tthe job id `warroom outbox list --dead` shows"},
			env:   []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.outbox(ctx, append([]string{"drop"}, args...))
			},
		},
		{
			name: "token create", usage: "[--config FILE] NAME --role viewer|responder|admin [--act-for-others]",
			short: "create a named API token and print its secret, once",
			long: "The secret is printed on standard output and never again: only its SHA-256 is stored. " +
				"viewer reads, responder also changes incidents, admin also manages dead letters; " +
				"--act-for-others lets it name another user in POST /api/v1/commands. The audit names the token.",
			args: []string{"NAME\tlower-case letters, digits, '.', '_' and '-'"},
			env:  []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.token(ctx, append([]string{"create"}, args...))
			},
		},
		{
			name: "token list", usage: "[--config FILE]",
			short: "list the named API tokens (never their secrets)",
			env:   []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.token(ctx, append([]string{"list"}, args...))
			},
		},
		{
			name: "token revoke", usage: "[--config FILE] NAME",
			short: "revoke a named API token at once",
			args:  []string{"NAME\tthe token's name"},
			env:   []string{envConfig, envDB},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.token(ctx, append([]string{"revoke"}, args...))
			},
		},
		{
			name: "discord register", usage: "[--config FILE] [--guild ID]",
			short: "register the Discord slash commands (one bulk overwrite)",
			long: "Installs /incident, /oncall and the \"Add to timeline\" message command for the application " +
				"DISCORD_APP_ID, in one server when --guild or discord.guild names it (changes apply at once), " +
				"otherwise globally (Discord may take up to an hour to show them).",
			env: []string{"DISCORD_BOT_TOKEN\tthe bot token that installs the commands", "DISCORD_APP_ID\tthe application id",
				"DISCORD_API_URL\tDiscord's REST base URL (tests)", envConfig},
			run: func(c *cli, ctx context.Context, args []string) int {
				return c.discordCommand(ctx, append([]string{"register"}, args...))
			},
		},
	}
}

// completeSource completes `route --source` with the source names.
func completeSource(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if n := len(args); n > 0 && (args[n-1] == "--source" || args[n-1] == "-source") {
		return sourceNames(), cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveDefault
}
