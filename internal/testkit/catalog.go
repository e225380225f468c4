package testkit

import "github.com/warroom/warroom/bot"

// Catalog is a deployment's incident types and custom fields, one field
// of every kind and one required at each stage, for the tests of every
// front end: declaring needs customer_impact, resolving root_cause,
// closing reviewer.
func Catalog() bot.Config {
	return bot.Config{
		Types: []bot.IncidentType{
			{Name: "default", Description: "Anything else"},
			{Name: "security", Description: "A breach or a leak", ChannelPrefix: "sec", Private: true, Ticket: true,
				Responders: []string{"@secops"}, Severities: []bot.Severity{bot.SEV1, bot.SEV2}},
		},
		Fields: []bot.FieldDef{
			{Name: "customer_impact", Label: "Customer impact", Kind: bot.KindSelect, Options: []string{"None", "Some", "All"}, Required: bot.StageDeclare},
			{Name: "root_cause", Kind: bot.KindText, Required: bot.StageResolve},
			{Name: "reviewer", Kind: bot.KindUser, Required: bot.StageClose},
			{Name: "cost", Kind: bot.KindNumber},
			{Name: "due", Kind: bot.KindDate},
		},
	}
}
