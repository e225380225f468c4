package bot

import (
	"fmt"
	"strings"
)

// Person is one person of the configuration's people map: their e-mail
// address, the chat users they are on each platform, and optionally the
// name people read. It maps a PagerDuty on-call (known by e-mail) to a
// chat user, and a chat user (Discord gives no e-mail) to the e-mail their
// console sign-in and permissions use; it overrides what a platform's
// e-mail lookup would say.
type Person struct {
	Email string
	Name  string            // "": as the platform names them
	IDs   map[string]string // platform ("slack", "discord") → user id
}

// People is the people map, looked up both ways. The zero value and nil
// know nobody.
type People struct {
	byEmail map[string]Person
	byID    map[string]string // platform + "\x00" + id → e-mail
}

// NewPeople indexes a people map; an e-mail address or a chat user named
// twice is an error.
func NewPeople(list []Person) (*People, error) {
	p := &People{byEmail: map[string]Person{}, byID: map[string]string{}}
	for _, person := range list {
		email := strings.ToLower(strings.TrimSpace(person.Email))
		if !strings.Contains(email, "@") || strings.ContainsAny(email, " \t<>") {
			return nil, fmt.Errorf("people: %q is not an e-mail address", person.Email)
		}
		if _, dup := p.byEmail[email]; dup {
			return nil, fmt.Errorf("people: %s is named twice", email)
		}
		person.Email = email
		for platform, id := range person.IDs {
			if id == "" {
				continue
			}
			if !chatID(id) {
				return nil, fmt.Errorf("people.%s.%s: %q is not a chat user id", email, platform, id)
			}
			k := platform + "\x00" + id
			if other, dup := p.byID[k]; dup {
				return nil, fmt.Errorf("people: %s user %s is both %s and %s", platform, id, other, email)
			}
			p.byID[k] = email
		}
		p.byEmail[email] = person
	}
	return p, nil
}

// ChatID returns the user id on platform of the person with an e-mail
// address, "" when the map does not say.
func (p *People) ChatID(platform, email string) string {
	if p == nil {
		return ""
	}
	return p.byEmail[strings.ToLower(strings.TrimSpace(email))].IDs[platform]
}

// Email returns the e-mail address of a chat user, "" when the map does
// not name them.
func (p *People) Email(platform, user string) string {
	if p == nil {
		return ""
	}
	return p.byID[platform+"\x00"+user]
}

// Name returns the configured name of a chat user, "" when none is set.
func (p *People) Name(platform, user string) string {
	if p == nil {
		return ""
	}
	return p.byEmail[p.Email(platform, user)].Name
}
