package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// Config is warroom's effective configuration: defaults, then the YAML
// file, then the environment (which wins). Secrets come only from the
// environment or from files named by NAME_FILE. Each field's tags name its
// YAML key and its variable (keys.go); each value is the effective one,
// defaults filled in, which is what `config check` prints.
type Config struct {
	File string // the YAML file read, "" for none

	Addr            string                        `yaml:"addr" env:"WARROOM_ADDR"`                                   // listen address, host:port
	DB              DSN                           `yaml:"db" env:"WARROOM_DB"`                                       // SQLite path or PostgreSQL URL
	DBSynchronous   string                        `yaml:"db_synchronous" env:"WARROOM_DB_SYNCHRONOUS"`               // SQLite: normal or full
	DBSyncCommit    string                        `yaml:"db_synchronous_commit" env:"WARROOM_DB_SYNCHRONOUS_COMMIT"` // PostgreSQL: server or off
	DBMaxConns      int                           `yaml:"db_max_conns" env:"WARROOM_DB_MAX_CONNS"`                   // PostgreSQL: connections of each pool
	PublicURL       string                        `yaml:"public_url" env:"WARROOM_PUBLIC_URL"`                       // base URL for links, no trailing slash
	LogLevel        string                        `yaml:"log_level" env:"WARROOM_LOG_LEVEL"`                         // debug, info, warn or error
	LogFormat       string                        `yaml:"log_format" env:"WARROOM_LOG_FORMAT"`                       // text or json
	AnnounceChannel string                        `yaml:"announce_channel"`                                          // "" turns announcements off
	TicketThreshold bot.Severity                  `yaml:"ticket_threshold"`
	TicketSystems   map[bot.Severity][]string     `yaml:"ticket_systems"` // /incident ticket: severity → jira, servicenow
	Roles           []string                      `yaml:"roles"`          // roles besides the built-in ones
	SLAs            map[bot.Severity]bot.SLA      `yaml:"severities"`
	Outbox          Outbox                        `yaml:"outbox"`
	Retention       Retention                     `yaml:"retention"`
	Jira            Jira                          `yaml:"jira"`
	ServiceNow      ServiceNow                    `yaml:"servicenow"`
	Slack           Slack                         `yaml:"slack"`
	PagerDuty       PagerDuty                     `yaml:"pagerduty"`
	Escalation      Escalation                    `yaml:"escalation"`
	Routes          []Route                       `yaml:"routes"`         // alert routing rules
	Services        map[string]Service            `yaml:"services"`       // per-service responders
	People          []Person                      `yaml:"people"`         // e-mail → chat users (people.go)
	Alerts          Alerts                        `yaml:"alerts"`         // alert handling
	Maintenance     Maintenance                   `yaml:"maintenance"`    // configured maintenance windows
	Access          Access                        `yaml:"access"`         // permissions and private incidents (access.go)
	SeverityNames   map[bot.Severity]SeverityName `yaml:"severity_names"` // types.go
	StatusLabels    map[bot.Status]string         `yaml:"status_labels"`
	Types           []IncidentType                `yaml:"incident_types"`
	Fields          []Field                       `yaml:"custom_fields"`
	Receivers       Receivers                     `yaml:",inline"` // monitoring webhooks: sns_topic_arns, generic
	Insights        Insights                      `yaml:",inline"` // digests, postmortem, calendar, reminders

	WebhookToken Secret  `env:"WARROOM_WEBHOOK_TOKEN"`
	APIToken     Secret  `env:"WARROOM_API_TOKEN"`
	Discord      Discord `yaml:"discord"`

	sources map[string]string // key → the environment variable that set it
}

// Warroom's own defaults; the rest come from the packages that apply them.
const (
	defaultAddr      = "127.0.0.1:8080"
	defaultDB        = "warroom.db"
	defaultLogLevel  = "info"
	defaultLogFormat = "text"
	// defaultSync keeps every commit through a crash of the process; full
	// also through a power loss (README, "Durability").
	defaultSync = "normal"
	// defaultSyncCommit leaves PostgreSQL's synchronous_commit to its
	// server (on unless changed there): every commit flushed first.
	defaultSyncCommit = "server"
	// defaultDBMaxConns is storage/postgres's own default pool size
	// (postgres.Config.MaxConns 0), which config may not import.
	defaultDBMaxConns = 10
)

// base is the configuration before the file and the environment: every
// default, but the one that depends on the environment (Jira's auth mode).
func base() Config {
	c := Config{
		Addr:            defaultAddr,
		DB:              NewDSN(defaultDB),
		DBSynchronous:   defaultSync,
		DBSyncCommit:    defaultSyncCommit,
		DBMaxConns:      defaultDBMaxConns,
		LogLevel:        defaultLogLevel,
		LogFormat:       defaultLogFormat,
		AnnounceChannel: console.DefaultAnnounce, // "" turns announcements off
		SLAs:            bot.DefaultSLAs(),
		Escalation:      Escalation{Enabled: true},
		sources:         map[string]string{},
	}
	c.fill()
	return c
}

// fill sets every value still zero to the default of the package that uses
// it (which would apply the same default to a zero), so that the tree
// holds, and `config check` prints, what warroom does. It runs before the
// file, and again after it, where a 0 means the default.
func (c *Config) fill() {
	if !c.TicketThreshold.Valid() {
		c.TicketThreshold = bot.DefaultTicketAt
	}
	c.Outbox.fill()
	c.Retention.fill()
	c.ServiceNow.fill()
	c.PagerDuty.fill()
	c.Escalation.fill()
	c.Alerts.fill()
	c.Receivers.fill()
	c.Insights.fill()
}

// Default is the configuration with no file and no environment.
func Default() Config {
	c := base()
	c.Jira.fill()
	return c
}

// Load builds the configuration from the YAML file at path (or the one
// WARROOM_CONFIG names when path is ""), then the environment read through
// lookup, and validates it. Every problem is reported, each naming its key
// or variable.
func Load(path string, lookup func(string) (string, bool)) (Config, error) {
	c := base()
	if path == "" {
		path, _ = lookup("WARROOM_CONFIG")
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
		if err := c.applyFile(data); err != nil {
			return Config{}, fmt.Errorf("%s: %w", path, err)
		}
		c.File = path
	}
	env := &envReader{lookup: lookup}
	env.overlay("", reflect.ValueOf(&c).Elem(), c.sources)
	c.PagerDuty.readServiceKeys(env)
	c.Receivers.checkEnv(env, c.sources)
	if len(env.errs) > 0 {
		return Config{}, errors.Join(env.errs...)
	}
	c.fill()
	c.Jira.fill()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// applyFile lays the YAML file data over c, then checks what only the file
// sets (the sections' rules across keys), once every value has been read.
func (c *Config) applyFile(data []byte) error {
	if err := decodeFile(data, c); err != nil {
		return err
	}
	var errs []error
	if c.DB.HasPassword() {
		errs = append(errs, errors.New("db: a PostgreSQL URL with a password is a secret and is not read from the config file; set WARROOM_DB or WARROOM_DB_FILE"))
	}
	errs = append(errs, checkSLAs(c.SLAs)...)
	errs = append(errs, c.Outbox.check()...)
	errs = append(errs, c.Retention.check()...)
	errs = append(errs, c.Jira.check()...)
	errs = append(errs, c.ServiceNow.check()...)
	errs = append(errs, c.Slack.check()...)
	errs = append(errs, c.PagerDuty.check()...)
	errs = append(errs, c.Escalation.check()...)
	errs = append(errs, c.checkAlerts()...)
	errs = append(errs, c.Maintenance.check()...)
	errs = append(errs, c.Receivers.check()...)
	errs = append(errs, c.Insights.check()...)
	errs = append(errs, c.checkPeople()...)
	errs = append(errs, c.checkCatalog()...)
	return errors.Join(errs...)
}

// checkSLAs refuses a resolve target shorter than the acknowledge one.
func checkSLAs(slas map[bot.Severity]bot.SLA) []error {
	var errs []error
	for _, sev := range slices.Sorted(maps.Keys(slas)) {
		sla := slas[sev]
		if sla.Acknowledge > 0 && sla.Resolve > 0 && sla.Resolve < sla.Acknowledge {
			errs = append(errs, fmt.Errorf("severities.%s: resolve (%s) is shorter than acknowledge (%s)", sevKey(sev), formatDuration(sla.Resolve), formatDuration(sla.Acknowledge)))
		}
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
