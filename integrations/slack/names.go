package slack

import (
	"context"
	"errors"

	"github.com/warroom/warroom/bot"
)

// DisplayName asks Slack for a user's name (users.info): their display
// name, else their real name, and their e-mail address when the app has
// users:read.email. A 429 pauses users.info until Slack's Retry-After and
// is returned as an error. It is a bot.NameResolver.
func (s *Slack) DisplayName(ctx context.Context, user string) (bot.PersonName, error) {
	var p bot.PersonName
	err := s.call(ctx, "", callRead, "users.info", func(ctx context.Context) error {
		u, err := s.api.GetUserInfoContext(ctx, user)
		if err != nil {
			return err
		}
		if u == nil {
			return errors.New("users.info: no user")
		}
		p.Name, p.Email = u.Profile.DisplayName, u.Profile.Email
		if p.Name == "" {
			p.Name = u.RealName
		}
		return nil
	})
	return p, err
}
