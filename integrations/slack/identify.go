package slack

import (
	"context"
	"sync"
	"time"
)

// identityTTL is how long a user's e-mail address is trusted before it is
// asked again; a failed lookup is retried sooner.
const (
	identityTTL     = time.Hour
	identityFailTTL = time.Minute
)

// identities caches users.info answers.
type identities struct {
	mu     sync.Mutex
	byUser map[string]identity
}

type identity struct {
	email string
	until time.Time
}

// Identify returns the e-mail address of a Slack user (users.info, with
// the users:read.email scope), or "" when Slack does not tell it: the
// person's other name for permissions and private incidents.
func (s *Slack) Identify(ctx context.Context, platform, user string) string {
	if platform != Platform || user == "" {
		return ""
	}
	now := s.now()
	s.ids.mu.Lock()
	if id, ok := s.ids.byUser[user]; ok && now.Before(id.until) {
		s.ids.mu.Unlock()
		return id.email
	}
	s.ids.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	id := identity{until: now.Add(identityFailTTL)}
	if u, err := s.api.GetUserInfoContext(ctx, user); err == nil && u != nil {
		id = identity{email: u.Profile.Email, until: now.Add(identityTTL)}
	}
	s.ids.mu.Lock()
	if s.ids.byUser == nil || len(s.ids.byUser) >= 10000 {
		s.ids.byUser = map[string]identity{}
	}
	s.ids.byUser[user] = id
	s.ids.mu.Unlock()
	return id.email
}
