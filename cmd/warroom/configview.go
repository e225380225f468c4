package main

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/generic"
)

// configView is the effective configuration as `warroom config check`
// prints it: the file's keys with their effective values, then every
// environment-only setting under its variable's name, secrets redacted.
type configView struct {
	Addr            string             `yaml:"addr"`
	DB              DSN                `yaml:"db"`
	PublicURL       string             `yaml:"public_url"`
	LogLevel        string             `yaml:"log_level"`
	LogFormat       string             `yaml:"log_format"`
	AnnounceChannel string             `yaml:"announce_channel"`
	TicketThreshold string             `yaml:"ticket_threshold"`
	Roles           []string           `yaml:"roles"`
	Severities      map[string]viewSLA `yaml:"severities"`
	Outbox          viewOutbox         `yaml:"outbox"`
	Jira            *viewJira          `yaml:"jira"`       // configtickets.go
	ServiceNow      *viewServiceNow    `yaml:"servicenow"` // configtickets.go
	Slack           fileSlack          `yaml:"slack"`      // configviewsections.go
	PagerDuty       viewPagerDuty      `yaml:"pagerduty"`
	Escalation      viewEscalation     `yaml:"escalation"`
	Routes          []viewRoute        `yaml:"routes"`
	Alerts          viewAlerts         `yaml:"alerts"`
	Maintenance     []viewMaintenance  `yaml:"maintenance"`
	SNSTopicARNs    []string           `yaml:"sns_topic_arns"`
	Generic         generic.Mapping    `yaml:"generic"`
	Digests         []viewDigest       `yaml:"digests"` // configinsights.go
	Postmortem      *viewPostmortem    `yaml:"postmortem"`
	Calendar        *viewCalendar      `yaml:"calendar"`
	Reminders       viewReminders      `yaml:"reminders"` // configviewsections.go
	Environment     viewEnv            `yaml:"environment"`
}

type viewSLA struct {
	Acknowledge   string `yaml:"acknowledge"`
	Resolve       string `yaml:"resolve"`
	UpdateCadence string `yaml:"update_cadence"`
	PostmortemDue string `yaml:"postmortem_due"`
}

type viewOutbox struct {
	MaxAttempts int    `yaml:"max_attempts"`
	Lease       string `yaml:"lease"`
	Batch       int    `yaml:"batch"`
}

// viewEnv lists the environment-only settings in the order of the README's table.
type viewEnv struct {
	WebhookToken           Secret `yaml:"WARROOM_WEBHOOK_TOKEN"`
	APIToken               Secret `yaml:"WARROOM_API_TOKEN"`
	SlackBotToken          Secret `yaml:"SLACK_BOT_TOKEN"`
	SlackSigningSecret     Secret `yaml:"SLACK_SIGNING_SECRET"`
	SlackAppToken          Secret `yaml:"SLACK_APP_TOKEN"`
	SlackPreviousSecret    Secret `yaml:"SLACK_SIGNING_SECRET_PREVIOUS"`
	SlackAPIURL            string `yaml:"SLACK_API_URL"`
	DiscordBotToken        Secret `yaml:"DISCORD_BOT_TOKEN"`
	DiscordPublicKey       string `yaml:"DISCORD_PUBLIC_KEY"`
	DiscordAppID           string `yaml:"DISCORD_APP_ID"`
	DiscordAPIURL          string `yaml:"DISCORD_API_URL"`
	PagerDutyToken         Secret `yaml:"PAGERDUTY_TOKEN"`
	PagerDutyRoutingKey    Secret `yaml:"PAGERDUTY_ROUTING_KEY"`
	PagerDutyWebhookSecret Secret `yaml:"PAGERDUTY_WEBHOOK_SECRET"`
	PagerDutyAPIURL        string `yaml:"PAGERDUTY_API_URL"`
	PagerDutyEventsURL     string `yaml:"PAGERDUTY_EVENTS_URL"`
	JiraURL                string `yaml:"JIRA_URL"`
	JiraUser               string `yaml:"JIRA_USER"`
	JiraToken              Secret `yaml:"JIRA_TOKEN"`
	JiraProject            string `yaml:"JIRA_PROJECT"`
	JiraWebhookSecret      Secret `yaml:"JIRA_WEBHOOK_SECRET"`
	ServiceNowURL          string `yaml:"SERVICENOW_URL"`
	ServiceNowUser         string `yaml:"SERVICENOW_USER"`
	ServiceNowPassword     Secret `yaml:"SERVICENOW_PASSWORD"`
	ServiceNowClientID     string `yaml:"SERVICENOW_CLIENT_ID"`
	ServiceNowClientSecret Secret `yaml:"SERVICENOW_CLIENT_SECRET"`
	GrafanaWebhookSecret   Secret `yaml:"GRAFANA_WEBHOOK_SECRET"`
	AzureTenantID          string `yaml:"AZURE_TENANT_ID"`
	AzureWebhookAudience   string `yaml:"AZURE_WEBHOOK_AUDIENCE"`
	// PagerDutyServiceKeys are the routing keys pagerduty.services names,
	// under their variables' names (PAGERDUTY_ROUTING_KEY_...).
	PagerDutyServiceKeys map[string]Secret `yaml:",inline"`
}

// YAML renders the effective configuration with every secret redacted.
func (c *Config) YAML() ([]byte, error) {
	v := configView{
		Addr: c.Addr, DB: c.DB, PublicURL: c.PublicURL, LogLevel: c.LogLevel, LogFormat: c.LogFormat,
		AnnounceChannel: c.AnnounceChannel, TicketThreshold: sevKey(c.TicketThreshold),
		Roles:      c.Roles,
		Severities: map[string]viewSLA{},
		Outbox:     viewOutbox{MaxAttempts: c.Outbox.MaxAttempts, Lease: formatDuration(c.Outbox.Lease), Batch: c.Outbox.Batch},
		Environment: viewEnv{
			WebhookToken: c.WebhookToken, APIToken: c.APIToken,
			SlackBotToken: c.Slack.BotToken, SlackSigningSecret: c.Slack.SigningSecret, SlackAppToken: c.Slack.AppToken, SlackAPIURL: c.Slack.APIURL, SlackPreviousSecret: c.Slack.PreviousSigningSecret,
			DiscordBotToken: c.Discord.BotToken, DiscordPublicKey: c.Discord.PublicKey, DiscordAppID: c.Discord.AppID, DiscordAPIURL: c.Discord.APIURL,
			PagerDutyToken: c.PagerDuty.Token, PagerDutyRoutingKey: c.PagerDuty.RoutingKey, PagerDutyWebhookSecret: c.PagerDuty.WebhookSecret,
			PagerDutyAPIURL: c.PagerDuty.APIURL, PagerDutyEventsURL: c.PagerDuty.EventsURL,
			JiraURL: c.Jira.URL, JiraUser: c.Jira.User, JiraToken: c.Jira.Token, JiraProject: c.Jira.Project, JiraWebhookSecret: c.Jira.WebhookSecret,
			ServiceNowURL: c.ServiceNow.URL, ServiceNowUser: c.ServiceNow.User, ServiceNowPassword: c.ServiceNow.Password,
		},
	}
	if v.Roles == nil {
		v.Roles = []string{}
	}
	v.Jira, v.ServiceNow = c.ticketViews()
	v.Digests, v.Postmortem, v.Calendar = c.insightsViews() // configinsights.go
	if v.Digests == nil {
		v.Digests = []viewDigest{}
	}
	c.sectionViews(&v) // configviewsections.go
	v.Environment.ServiceNowClientID, v.Environment.ServiceNowClientSecret = c.ServiceNow.ClientID, c.ServiceNow.ClientSecret
	for sev, sla := range c.SLAs {
		v.Severities[sevKey(sev)] = viewSLA{
			Acknowledge: formatDuration(sla.Acknowledge), Resolve: formatDuration(sla.Resolve),
			UpdateCadence: formatDuration(sla.UpdateCadence), PostmortemDue: formatDuration(sla.PostmortemDue),
		}
	}
	var buf bytes.Buffer
	if c.File != "" {
		fmt.Fprintf(&buf, "# effective configuration: defaults, then %s, then the environment\n", c.File)
	} else {
		buf.WriteString("# effective configuration: defaults, then the environment (no config file)\n")
	}
	buf.WriteString("# secrets show as <redacted>; unset ones as \"\"\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// sevKey is a severity as the file writes it: "sev2".
func sevKey(s bot.Severity) string { return fmt.Sprintf("sev%d", int(s)) }
