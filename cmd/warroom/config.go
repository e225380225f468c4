package main

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Config is warroom's effective configuration: defaults, then the YAML
// file, then the environment (which wins). Secrets come only from the
// environment or from files named by NAME_FILE.
type Config struct {
	File      string // the YAML file read, "" for none
	Addr      string // listen address, host:port
	DB        DSN    // SQLite path or PostgreSQL URL
	PublicURL string // base URL for links, no trailing slash
	LogLevel  string // debug, info, warn or error
	LogFormat string // text or json

	WebhookToken Secret
	APIToken     Secret

	AnnounceChannel string // "" turns announcements off
	TicketThreshold bot.Severity
	SLAs            map[bot.Severity]bot.SLA
	Roles           []string // roles besides the built-in ones
	Outbox          OutboxConfig

	Routes            []bot.Route             // alert routing rules (configalerts.go)
	AlertReopenWindow time.Duration           // reopen window of the default route
	AlertMaxQueued    int                     // 0: bot.DefaultMaxQueued
	Maintenance       []bot.MaintenanceWindow // configured maintenance windows

	Slack      SlackConfig
	Discord    DiscordConfig
	PagerDuty  PagerDutyConfig
	Paging     PagingConfig     // the pagerduty section of the file (configpaging.go)
	Escalation EscalationConfig // the escalation section (configpaging.go)
	Jira       JiraConfig
	ServiceNow ServiceNowConfig
	Receivers  ReceiversConfig // monitoring webhooks beyond the token
	Insights   InsightsConfig  // digests, postmortem, calendar, reminders (configinsights.go)

	sources map[string]string // key → the environment variable that set it
}

// OutboxConfig tunes the outbox worker.
type OutboxConfig struct {
	MaxAttempts int           // attempts before a job is dead-lettered
	Lease       time.Duration // how long a claim holds a job
	Batch       int           // jobs claimed at once
}

// SlackConfig is the Slack app's settings (environment only).
type SlackConfig struct {
	BotToken, SigningSecret, AppToken Secret
	APIURL                            string
	PreviousSigningSecret             Secret   // SLACK_SIGNING_SECRET_PREVIOUS, accepted during a rotation
	Responders, UserGroups            []string // the file's slack section (configslack.go)
}

// DiscordConfig is the Discord application's settings (environment only).
type DiscordConfig struct {
	BotToken         Secret
	PublicKey, AppID string
	APIURL           string
}

// PagerDutyConfig is PagerDuty's settings (environment only).
type PagerDutyConfig struct {
	Token, RoutingKey, WebhookSecret Secret
	APIURL, EventsURL                string
}

// JiraConfig is Jira's settings (environment only).
type JiraConfig struct {
	URL, User, Project   string
	Token, WebhookSecret Secret
	JiraOptions          // the file's jira section (configtickets.go)
}

// ServiceNowConfig is ServiceNow's settings (environment only).
type ServiceNowConfig struct {
	URL, User         string
	Password          Secret
	ServiceNowOptions // the file's servicenow section and the OAuth client (configtickets.go)
}

// Defaults.
const (
	defaultAddr     = "127.0.0.1:8080"
	defaultDB       = "warroom.db"
	defaultAnnounce = "incidents"
)

// DefaultConfig is the configuration with no file and no environment.
func DefaultConfig() Config {
	return Config{
		Addr:            defaultAddr,
		DB:              NewDSN(defaultDB),
		LogLevel:        "info",
		LogFormat:       "text",
		AnnounceChannel: defaultAnnounce,
		TicketThreshold: bot.SEV2,
		SLAs:            bot.DefaultSLAs(),
		Outbox:          OutboxConfig{MaxAttempts: 10, Lease: 30 * time.Second, Batch: 32},
		sources:         map[string]string{},
	}
}

// LoadConfig builds the configuration from the YAML file at path (or the
// one WARROOM_CONFIG names when path is ""), then the environment read
// through lookup. Every problem is reported, each naming its key or variable.
func LoadConfig(path string, lookup func(string) (string, bool)) (Config, error) {
	c := DefaultConfig()
	if path == "" {
		path, _ = lookup("WARROOM_CONFIG")
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
		fc, err := parseFile(data)
		if err != nil {
			return Config{}, fmt.Errorf("%s: %w", path, err)
		}
		if err := c.applyFile(fc); err != nil {
			return Config{}, fmt.Errorf("%s: %w", path, err)
		}
		c.File = path
	}
	env := &envReader{lookup: lookup}
	applyEnv(&c, env)
	if len(env.errs) > 0 {
		return Config{}, errors.Join(env.errs...)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// applyFile lays the file's settings over c and checks the ones only the
// file can set (their key paths are known here).
func (c *Config) applyFile(fc fileConfig) error {
	var errs []error
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Addr, fc.Addr)
	set(&c.PublicURL, fc.PublicURL)
	set(&c.LogLevel, fc.LogLevel)
	set(&c.LogFormat, fc.LogFormat)
	if fc.DB != nil {
		c.DB = NewDSN(*fc.DB)
		if c.DB.HasPassword() {
			errs = append(errs, errors.New("db: a PostgreSQL URL with a password is a secret and is not read from the config file; set WARROOM_DB or WARROOM_DB_FILE"))
		}
	}
	if fc.AnnounceChannel != nil {
		c.AnnounceChannel = *fc.AnnounceChannel // "" turns announcements off
	}
	if fc.TicketThreshold != nil {
		sev, err := bot.ParseSeverity(*fc.TicketThreshold)
		if err != nil {
			errs = append(errs, fmt.Errorf("ticket_threshold: %q is not one of sev1, sev2, sev3, sev4", *fc.TicketThreshold))
		}
		c.TicketThreshold = sev
	}
	c.Roles = fc.Roles
	errs = append(errs, c.applySeverities(fc.Severities)...)
	errs = append(errs, c.applyOutbox(fc.Outbox)...)
	errs = append(errs, c.applyTicketsFile(fc.Jira, fc.ServiceNow)...)
	errs = append(errs, c.applySlackFile(fc.Slack)...)
	errs = append(errs, c.applyPaging(fc.PagerDuty, fc.Escalation)...)
	errs = append(errs, c.applyAlerts(fc)...)
	errs = append(errs, c.applyReceiversFile(fc)...)
	errs = append(errs, c.applyInsights(fc.Digests, fc.Postmortem, fc.Calendar, fc.Reminders)...)
	return errors.Join(errs...)
}

func (c *Config) applySeverities(m map[string]fileSLA) []error {
	var errs []error
	seen := map[bot.Severity]string{}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		fs := m[key]
		path := "severities." + key
		sev, err := bot.ParseSeverity(key)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not one of sev1, sev2, sev3, sev4", path, key))
			continue
		}
		if other, dup := seen[sev]; dup {
			errs = append(errs, fmt.Errorf("%s: %s is already set as severities.%s", path, sev, other))
			continue
		}
		seen[sev] = key
		sla := c.SLAs[sev]
		for _, f := range []struct {
			name string
			v    *string
			dst  *time.Duration
		}{
			{"acknowledge", fs.Acknowledge, &sla.Acknowledge},
			{"resolve", fs.Resolve, &sla.Resolve},
			{"update_cadence", fs.UpdateCadence, &sla.UpdateCadence},
			{"postmortem_due", fs.PostmortemDue, &sla.PostmortemDue},
		} {
			if f.v == nil {
				continue
			}
			d, err := parseDuration(*f.v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.%s: %w", path, f.name, err))
				continue
			}
			*f.dst = d
		}
		if sla.Acknowledge > 0 && sla.Resolve > 0 && sla.Resolve < sla.Acknowledge {
			errs = append(errs, fmt.Errorf("%s: resolve (%s) is shorter than acknowledge (%s)", path, formatDuration(sla.Resolve), formatDuration(sla.Acknowledge)))
		}
		c.SLAs[sev] = sla
	}
	return errs
}

func (c *Config) applyOutbox(fo fileOutbox) []error {
	var errs []error
	if fo.MaxAttempts != nil {
		if *fo.MaxAttempts < 1 || *fo.MaxAttempts > 1000 {
			errs = append(errs, fmt.Errorf("outbox.max_attempts: %d is not between 1 and 1000", *fo.MaxAttempts))
		}
		c.Outbox.MaxAttempts = *fo.MaxAttempts
	}
	if fo.Batch != nil {
		if *fo.Batch < 1 || *fo.Batch > 1000 {
			errs = append(errs, fmt.Errorf("outbox.batch: %d is not between 1 and 1000", *fo.Batch))
		}
		c.Outbox.Batch = *fo.Batch
	}
	if fo.Lease != nil {
		d, err := parseDuration(*fo.Lease)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("outbox.lease: %w", err))
		case d < time.Second || d > time.Hour:
			errs = append(errs, fmt.Errorf("outbox.lease: %s is not between 1s and 1h", *fo.Lease))
		}
		c.Outbox.Lease = d
	}
	return errs
}

// name is how errors name a key: the environment variable that set it, or
// its YAML key.
func (c *Config) name(key string) string {
	if n, ok := c.sources[key]; ok {
		return n
	}
	return key
}

// Validate checks the settings the environment may have changed, and
// fills in what derives from others (the public URL).
func (c *Config) Validate() error {
	var errs []error
	add := func(key string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	add(c.name("addr"), checkAddr(c.Addr))
	add(c.name("db"), checkDB(c.DB))
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "warning", "error":
		c.LogLevel = strings.ToLower(c.LogLevel)
	default:
		add(c.name("log_level"), fmt.Errorf("%q is not one of debug, info, warn, error", c.LogLevel))
	}
	switch strings.ToLower(c.LogFormat) {
	case "text", "json":
		c.LogFormat = strings.ToLower(c.LogFormat)
	default:
		add(c.name("log_format"), fmt.Errorf("%q is not one of text, json", c.LogFormat))
	}
	if c.PublicURL == "" && checkAddr(c.Addr) == nil {
		c.PublicURL = "http://" + publicHost(c.Addr)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	add(c.name("public_url"), checkURL(c.PublicURL))
	ch := strings.TrimPrefix(strings.TrimSpace(c.AnnounceChannel), "#")
	if strings.ContainsFunc(ch, isSpaceOrControl) || len(ch) > 80 {
		add("announce_channel", fmt.Errorf("%q is not a channel name", c.AnnounceChannel))
	}
	c.AnnounceChannel = ch
	for i, r := range c.Roles {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" || strings.ContainsFunc(r, isSpaceOrControl) || strings.Contains(r, "@") {
			add(fmt.Sprintf("roles[%d]", i), fmt.Errorf("%q is not a role name: one word, no @", c.Roles[i]))
		}
		c.Roles[i] = r
	}
	for name, u := range map[string]string{
		"SLACK_API_URL": c.Slack.APIURL, "DISCORD_API_URL": c.Discord.APIURL,
		"PAGERDUTY_API_URL": c.PagerDuty.APIURL, "PAGERDUTY_EVENTS_URL": c.PagerDuty.EventsURL,
		"JIRA_URL": c.Jira.URL, "SERVICENOW_URL": c.ServiceNow.URL,
	} {
		if u != "" {
			add(name, checkURL(u))
		}
	}
	errs = append(errs, c.checkSlack()...)
	errs = append(errs, c.checkTickets()...)
	add("DISCORD_PUBLIC_KEY", checkHexKey(c.Discord.PublicKey))
	if c.Discord.AppID != "" && strings.Trim(c.Discord.AppID, "0123456789") != "" {
		add("DISCORD_APP_ID", fmt.Errorf("%q is not a Discord application id (digits only)", c.Discord.AppID))
	}
	if checkAddr(c.Addr) == nil && !isLoopback(c.Addr) && !c.APIToken.IsSet() {
		add("WARROOM_API_TOKEN", fmt.Errorf("required when %s (%s) is not a loopback address: the web console and the API would be open to the network", c.name("addr"), c.Addr))
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// SlogLevel is the log level as slog knows it.
func (c *Config) SlogLevel() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Public reports whether the server listens beyond loopback, which makes
// the web console require a login.
func (c *Config) Public() bool { return !isLoopback(c.Addr) }

// isLoopback reports whether addr's host is a loopback address or
// "localhost". An empty host listens on every interface: not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// publicHost is addr as a URL host: an unspecified host becomes localhost.
func publicHost(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
