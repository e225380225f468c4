// Package slack makes Slack the home of an incident: it answers slash
// commands, button clicks, modal submissions and Events API callbacks (over
// HTTP with v0 request signatures, or over Socket Mode), and it is a chat
// target of the outbox: its handlers (slack.open, slack.card, slack.post,
// slack.digest) create the incident channel, invite the responders, set the
// topic, post, pin and edit the incident card and the announcement in
// place, post updates, the postmortem draft and KPI digests (files through
// Slack's upload flow), through the Slack Web API with Slack's rate limits
// and error classes respected.
//
// Rendering (bot.Message → Block Kit) is a pure function with golden tests;
// user text is escaped so that it never pings or spoofs. The markdown of
// digests and postmortem drafts is converted to Slack mrkdwn (Mrkdwn). The
// open job never creates a second channel for an incident: the channel it
// creates is recorded the moment Slack answers, and adopted on retry.
//
// It may import the standard library, bot, commands,
// integrations/internal, github.com/slack-go/slack and golang.org/x/time.
package slack
