package main

import (
	"fmt"
	"os"
	"strings"
)

// secretEnv lists the variables that hold secrets. Each may instead name a
// file in NAME_FILE, and none is ever read from the YAML file. WARROOM_DB is
// here because a PostgreSQL URL may carry a password.
var secretEnv = []string{
	"WARROOM_DB",
	"WARROOM_WEBHOOK_TOKEN",
	"WARROOM_API_TOKEN",
	"GRAFANA_WEBHOOK_SECRET",
	"SLACK_BOT_TOKEN",
	"SLACK_SIGNING_SECRET",
	"SLACK_APP_TOKEN",
	"SLACK_SIGNING_SECRET_PREVIOUS",
	"DISCORD_BOT_TOKEN",
	"PAGERDUTY_TOKEN",
	"PAGERDUTY_ROUTING_KEY",
	"PAGERDUTY_WEBHOOK_SECRET",
	"JIRA_TOKEN",
	"JIRA_WEBHOOK_SECRET",
	"SERVICENOW_PASSWORD",
	"SERVICENOW_CLIENT_SECRET",
}

// envReader reads variables through lookup (os.LookupEnv outside tests) and
// collects what is wrong with them.
type envReader struct {
	lookup func(string) (string, bool)
	errs   []error
}

// value returns a variable's value; set to "" counts as unset.
func (e *envReader) value(name string) (string, bool) {
	v, ok := e.lookup(name)
	if !ok || v == "" {
		return "", false
	}
	return v, true
}

// str overwrites *dst with the variable when it is set.
func (e *envReader) str(name string, dst *string) {
	if v, ok := e.value(name); ok {
		*dst = v
	}
}

// secret reads NAME, or the file named by NAME_FILE with its trailing
// newline trimmed. Setting both is an error; so is an unreadable or empty file.
// Errors name the variable and the file, never the value.
func (e *envReader) secret(name string) (string, bool) {
	v, direct := e.value(name)
	path, fromFile := e.value(name + "_FILE")
	switch {
	case direct && fromFile:
		e.errs = append(e.errs, fmt.Errorf("%s and %s_FILE are both set; set one of them", name, name))
		return "", false
	case direct:
		return v, true
	case !fromFile:
		return "", false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s_FILE: %w", name, err))
		return "", false
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		e.errs = append(e.errs, fmt.Errorf("%s_FILE: %s is empty", name, path))
		return "", false
	}
	return s, true
}

// secretInto overwrites *dst with the secret when it is set.
func (e *envReader) secretInto(name string, dst *Secret) {
	if v, ok := e.secret(name); ok {
		*dst = NewSecret(v)
	}
}

// applyEnv lays the environment over c: the environment wins over the file.
func applyEnv(c *Config, e *envReader) {
	overlay := func(key, name string, dst *string) {
		if v, ok := e.value(name); ok {
			*dst = v
			c.sources[key] = name
		}
	}
	overlay("addr", "WARROOM_ADDR", &c.Addr)
	if v, ok := e.secret("WARROOM_DB"); ok {
		c.DB = NewDSN(v)
		c.sources["db"] = "WARROOM_DB"
	}
	overlay("public_url", "WARROOM_PUBLIC_URL", &c.PublicURL)
	overlay("log_level", "WARROOM_LOG_LEVEL", &c.LogLevel)
	overlay("log_format", "WARROOM_LOG_FORMAT", &c.LogFormat)
	e.secretInto("WARROOM_WEBHOOK_TOKEN", &c.WebhookToken)
	e.secretInto("WARROOM_API_TOKEN", &c.APIToken)

	e.secretInto("SLACK_BOT_TOKEN", &c.Slack.BotToken)
	e.secretInto("SLACK_SIGNING_SECRET", &c.Slack.SigningSecret)
	e.secretInto("SLACK_APP_TOKEN", &c.Slack.AppToken)
	e.str("SLACK_API_URL", &c.Slack.APIURL)
	applySlackEnv(c, e)

	e.secretInto("DISCORD_BOT_TOKEN", &c.Discord.BotToken)
	e.str("DISCORD_PUBLIC_KEY", &c.Discord.PublicKey)
	e.str("DISCORD_APP_ID", &c.Discord.AppID)
	e.str("DISCORD_API_URL", &c.Discord.APIURL)

	e.secretInto("PAGERDUTY_TOKEN", &c.PagerDuty.Token)
	e.secretInto("PAGERDUTY_ROUTING_KEY", &c.PagerDuty.RoutingKey)
	e.secretInto("PAGERDUTY_WEBHOOK_SECRET", &c.PagerDuty.WebhookSecret)
	e.str("PAGERDUTY_API_URL", &c.PagerDuty.APIURL)
	e.str("PAGERDUTY_EVENTS_URL", &c.PagerDuty.EventsURL)
	applyPagingEnv(c, e)

	e.str("JIRA_URL", &c.Jira.URL)
	e.str("JIRA_USER", &c.Jira.User)
	e.secretInto("JIRA_TOKEN", &c.Jira.Token)
	e.str("JIRA_PROJECT", &c.Jira.Project)
	e.secretInto("JIRA_WEBHOOK_SECRET", &c.Jira.WebhookSecret)

	e.str("SERVICENOW_URL", &c.ServiceNow.URL)
	e.str("SERVICENOW_USER", &c.ServiceNow.User)
	e.secretInto("SERVICENOW_PASSWORD", &c.ServiceNow.Password)
	applyTicketsEnv(c, e)

	applyReceiversEnv(c, e)
}
