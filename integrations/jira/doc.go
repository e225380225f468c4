// Package jira keeps each incident's Jira issue in step with the incident,
// through the outbox: it creates (or adopts) the issue, updates its summary,
// description, priority and commander field, moves it along the workflow by
// transition names configured per warroom status, comments status updates
// and notes, turns action items into linked issues, and answers Jira
// webhooks (POST /webhooks/jira) so that a person's comment or resolution
// lands on the incident's timeline.
//
// It talks to Jira REST v2 (wiki markup) with github.com/andygrunwald/go-jira.
// It may import the standard library, bot, commands,
// integrations/internal and its client libraries; never another integration.
package jira
