package jira

import "github.com/warroom/warroom/bot"

// Summary and Description expose the rendering to the external tests,
// which compare a ticket's final fields with the incident.
func Summary(inc *bot.Incident) string { return summary(inc) }

func (j *Jira) Description(inc *bot.Incident) string { return j.description(inc) }
