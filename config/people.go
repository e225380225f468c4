package config

import (
	"github.com/warroom/warroom/bot"
)

// Person is one entry of the people section, named by e-mail address: who
// a person is on each chat platform. It maps a PagerDuty on-call (known by
// e-mail) to the chat user mentioned when an incident escalates, and a
// Discord user (Discord gives no e-mail) to the e-mail address their
// console sign-in and the access lists use; for Slack it overrides
// users.lookupByEmail.
//
//	people:
//	  - {email: alice@example.com, slack: U0ALICE, discord: "123456789012345678", name: Alice Smith}
type Person struct {
	Email   string `yaml:"email"`
	Slack   string `yaml:"slack"`
	Discord string `yaml:"discord"`
	Name    string `yaml:"name"` // the name people read; "": as the platform names them
}

// PeopleList is the people section in the form bot.NewPeople indexes.
func (c Config) PeopleList() []bot.Person {
	out := make([]bot.Person, 0, len(c.People))
	for _, p := range c.People {
		out = append(out, bot.Person{Email: p.Email, Name: p.Name, IDs: map[string]string{"slack": p.Slack, "discord": p.Discord}})
	}
	return out
}

func (c Config) checkPeople() []error {
	if _, err := bot.NewPeople(c.PeopleList()); err != nil {
		return []error{err}
	}
	return nil
}
