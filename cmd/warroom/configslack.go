package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// fileSlack is the slack section of the YAML file. Tokens and signing
// secrets stay in the environment.
//
//	slack:
//	  responders: [U024BE7LH, U0G9QF9C6]   # invited to every incident channel
//	  user_groups: [S0614TZR7]              # their members are invited too
type fileSlack struct {
	Responders []string `yaml:"responders"`
	UserGroups []string `yaml:"user_groups"`
}

var (
	slackUserID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	slackGroupID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)
)

// applySlackFile reads the slack section: Slack ids, not names, because
// Slack invites by id.
func (c *Config) applySlackFile(fs fileSlack) []error {
	var errs []error
	for i, u := range fs.Responders {
		u = strings.TrimSpace(u)
		if !slackUserID.MatchString(u) {
			errs = append(errs, fmt.Errorf("slack.responders[%d]: %q is not a Slack user id like U024BE7LH (profile → ⋮ → Copy member ID)", i, fs.Responders[i]))
		}
		c.Slack.Responders = append(c.Slack.Responders, u)
	}
	for i, g := range fs.UserGroups {
		g = strings.TrimSpace(g)
		if !slackGroupID.MatchString(g) {
			errs = append(errs, fmt.Errorf("slack.user_groups[%d]: %q is not a Slack user group id like S0614TZR7", i, fs.UserGroups[i]))
		}
		c.Slack.UserGroups = append(c.Slack.UserGroups, g)
	}
	return errs
}

// applySlackEnv reads the Slack variables besides the core ones.
func applySlackEnv(c *Config, e *envReader) {
	e.secretInto("SLACK_SIGNING_SECRET_PREVIOUS", &c.Slack.PreviousSigningSecret)
}

// SlackOn reports whether Slack is configured.
func (c *Config) SlackOn() bool { return c.Slack.BotToken.IsSet() }

// checkSlack refuses what cannot work: a previous signing secret with no
// current one. Slack is on when
// SLACK_BOT_TOKEN is set; without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN it
// only posts (inbound requests are refused).
func (c *Config) checkSlack() []error {
	if c.Slack.PreviousSigningSecret.IsSet() && !c.Slack.SigningSecret.IsSet() {
		return []error{errors.New("SLACK_SIGNING_SECRET_PREVIOUS: set only during a rotation, next to SLACK_SIGNING_SECRET")}
	}
	return nil
}
