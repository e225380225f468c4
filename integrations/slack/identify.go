package slack

import (
	"context"
	"strings"
	"sync"
	"time"
)

// identityTTL is how long a user's e-mail address is trusted before it is
// asked again; a failed lookup is retried sooner.
const (
	identityTTL     = time.Hour
	identityFailTTL = time.Minute
)

// identities caches users.info and users.lookupByEmail answers.
type identities struct {
	mu      sync.Mutex
	byUser  map[string]identity
	byEmail map[string]identity // e-mail → the user id in identity.email
}

type identity struct {
	email string
	until time.Time
}

func (ids *identities) get(m map[string]identity, key string, now time.Time) (identity, bool) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	id, ok := m[key]
	return id, ok && now.Before(id.until)
}

func (ids *identities) put(m *map[string]identity, key string, id identity) {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if *m == nil || len(*m) >= 10000 {
		*m = map[string]identity{}
	}
	(*m)[key] = id
}

// Identify returns the e-mail address of a Slack user (users.info, with
// the users:read.email scope), or "" when Slack does not tell it: the
// person's other name for permissions and private incidents.
func (s *Slack) Identify(ctx context.Context, platform, user string) string {
	if platform != Platform || user == "" {
		return ""
	}
	return s.userInfo(ctx, user).email
}

// userInfo returns what users.info says of a user, cached.
func (s *Slack) userInfo(ctx context.Context, user string) identity {
	now := s.now()
	if id, ok := s.ids.get(s.ids.byUser, user, now); ok {
		return id
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	id := identity{until: now.Add(identityFailTTL)}
	if u, err := s.api.GetUserInfoContext(ctx, user); err == nil && u != nil {
		id = identity{email: u.Profile.Email, until: now.Add(identityTTL)}
	}
	s.ids.put(&s.ids.byUser, user, id)
	return id
}

// LookupEmail returns the id of the Slack user with an e-mail address
// (users.lookupByEmail, with the users:read.email scope), "" when there is
// none. Answers are cached for an hour; a 429 pauses the method until
// Slack's Retry-After and is returned as an error, like any other failure.
func (s *Slack) LookupEmail(ctx context.Context, email string) (string, error) {
	key := strings.ToLower(strings.TrimSpace(email))
	if key == "" {
		return "", nil
	}
	now := s.now()
	if id, ok := s.ids.get(s.ids.byEmail, key, now); ok {
		return id.email, nil
	}
	var user string
	err := s.call(ctx, "", callRead, "users.lookupByEmail", func(ctx context.Context) error {
		u, err := s.api.GetUserByEmailContext(ctx, key)
		if err == nil && u != nil {
			user = u.ID
		}
		return err
	})
	if code := slackCode(err); code == "users_not_found" {
		err = nil
	}
	if err != nil {
		return "", err
	}
	s.ids.put(&s.ids.byEmail, key, identity{email: user, until: now.Add(identityTTL)})
	return user, nil
}
