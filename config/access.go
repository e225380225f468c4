package config

import "github.com/warroom/warroom/bot"

// Access is the access section: who may do what in chat and the console,
// and what leaves warroom about private incidents. Every list names users
// as their platform does (a Slack or Discord user id, a console name); an
// empty or missing list allows everyone, as a single team works today.
//
//	access:
//	  declare: {sev1: [U0LEAD, U0SRE]}   # who may declare (or raise to) SEV1
//	  close: [U0LEAD]
//	  edit_times: [U0LEAD]               # the commander rule still applies
//	  maintenance: [U0OPS]
//	  see_private: [U0SEC]               # sees every private incident
//	  reveal_private_titles: false       # tickets and pages say "Private incident INC-42"
//
// Named API tokens (warroom token create) and dead letters are managed on
// the command line, by whoever can reach the database; in the API, by
// admin tokens.
type Access struct {
	Declare             map[bot.Severity][]string `yaml:"declare"`
	Close               []string                  `yaml:"close"`
	EditTimes           []string                  `yaml:"edit_times"`
	Maintenance         []string                  `yaml:"maintenance"`
	SeePrivate          []string                  `yaml:"see_private"`
	RevealPrivateTitles bool                      `yaml:"reveal_private_titles"`
}
