package ticket

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot"
)

// linkPoll is how often AwaitLink reads the incident.
const linkPoll = 100 * time.Millisecond

// AwaitLink waits, until ctx ends, for the incident to link a ticket of
// system: /incident ticket adopting the ticket another replica, which won
// the create's claim, is creating. get reads the incident.
func AwaitLink(ctx context.Context, get func(context.Context, int64) (*bot.Incident, error), number int64, system string) (bot.Link, bool) {
	t := time.NewTicker(linkPoll)
	defer t.Stop()
	for {
		if inc, err := get(ctx, number); err == nil {
			if l, ok := inc.Links[system]; ok && l.ID != "" {
				return l, true
			}
		}
		select {
		case <-ctx.Done():
			return bot.Link{}, false
		case <-t.C:
		}
	}
}
