package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Slack is the Slack app: tokens and signing secrets from the environment,
// and the slack section of the file. Slack is on when SLACK_BOT_TOKEN is
// set; without SLACK_SIGNING_SECRET or SLACK_APP_TOKEN it only posts
// (inbound requests are refused).
//
//	slack:
//	  responders: [U024BE7LH, U0G9QF9C6]   # invited to every incident channel
//	  user_groups: [S0614TZR7]              # their members are invited too
type Slack struct {
	BotToken      Secret `env:"SLACK_BOT_TOKEN"`
	SigningSecret Secret `env:"SLACK_SIGNING_SECRET"`
	AppToken      Secret `env:"SLACK_APP_TOKEN"`
	// PreviousSigningSecret is accepted during a rotation.
	PreviousSigningSecret Secret   `env:"SLACK_SIGNING_SECRET_PREVIOUS"`
	APIURL                string   `env:"SLACK_API_URL"`
	Responders            []string `yaml:"responders"` // Slack ids, not names: Slack invites by id
	UserGroups            []string `yaml:"user_groups"`
}

var (
	slackUserID  = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)
	slackGroupID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)
)

func (s *Slack) check() []error {
	var errs []error
	for i, u := range s.Responders {
		if !slackUserID.MatchString(u) {
			errs = append(errs, fmt.Errorf("slack.responders[%d]: %q is not a Slack user id like U024BE7LH (profile → ⋮ → Copy member ID)", i, u))
		}
	}
	for i, g := range s.UserGroups {
		if !slackGroupID.MatchString(g) {
			errs = append(errs, fmt.Errorf("slack.user_groups[%d]: %q is not a Slack user group id like S0614TZR7", i, g))
		}
	}
	return errs
}

// validate refuses what cannot work: a previous signing secret with no
// current one.
func (s *Slack) validate() []error {
	if s.PreviousSigningSecret.IsSet() && !s.SigningSecret.IsSet() {
		return []error{errors.New("SLACK_SIGNING_SECRET_PREVIOUS: set only during a rotation, next to SLACK_SIGNING_SECRET")}
	}
	return nil
}

// SlackOn reports whether Slack is configured.
func (c *Config) SlackOn() bool { return c.Slack.BotToken.IsSet() }

// Discord is the Discord application: its token, public key and id from
// the environment, and the discord section of the file. Discord is on when
// DISCORD_BOT_TOKEN is set; it then needs DISCORD_PUBLIC_KEY, DISCORD_APP_ID
// and a forum or parent channel, which start-up checks.
//
//	discord:
//	  guild: "700000000000000001"            # commands are registered here
//	  forum_channel: "700000000000000010"    # incidents get a post here
//	  parent_channel: "700000000000000020"   # or a thread here (and private ones)
//	  announce_channel: "700000000000000030"
//	  responder_roles: ["700000000000000040"]
type Discord struct {
	BotToken        Secret   `env:"DISCORD_BOT_TOKEN"`
	PublicKey       string   `env:"DISCORD_PUBLIC_KEY"`
	AppID           string   `env:"DISCORD_APP_ID"`
	APIURL          string   `env:"DISCORD_API_URL"`
	Guild           string   `yaml:"guild"`
	ForumChannel    string   `yaml:"forum_channel"`
	ParentChannel   string   `yaml:"parent_channel"`
	AnnounceChannel string   `yaml:"announce_channel"`
	ResponderRoles  []string `yaml:"responder_roles"`
}

// DiscordOn reports whether Discord is configured.
func (c *Config) DiscordOn() bool { return c.Discord.BotToken.IsSet() }

func (d *Discord) validate() []error {
	var errs []error
	for name, v := range map[string]string{"discord.guild": d.Guild, "discord.forum_channel": d.ForumChannel,
		"discord.parent_channel": d.ParentChannel, "discord.announce_channel": d.AnnounceChannel} {
		if v != "" && strings.Trim(v, "0123456789") != "" {
			errs = append(errs, fmt.Errorf("%s: %q is not a Discord id (digits only: Developer Mode → right-click → Copy ID)", name, v))
		}
	}
	for i, r := range d.ResponderRoles {
		if strings.Trim(r, "0123456789") != "" || r == "" {
			errs = append(errs, fmt.Errorf("discord.responder_roles[%d]: %q is not a Discord role id", i, r))
		}
	}
	if err := checkHexKey(d.PublicKey); err != nil {
		errs = append(errs, fmt.Errorf("DISCORD_PUBLIC_KEY: %w", err))
	}
	if d.AppID != "" && strings.Trim(d.AppID, "0123456789") != "" {
		errs = append(errs, fmt.Errorf("DISCORD_APP_ID: %q is not a Discord application id (digits only)", d.AppID))
	}
	return errs
}
