package bot

import (
	"context"
	"slices"
	"time"
)

// OnCallMentions names the chat users of one platform who are on call now
// for a service ("" for an incident without one): the wiring asks the
// paging system and maps its people to chat users (see the README's
// "People"). A chat adapter calls it when it delivers a message whose
// OnCall is set, and delivers the message without those mentions when it
// fails: a lookup never holds up an escalation.
type OnCallMentions func(ctx context.Context, platform, service string) ([]string, error)

// OnCallLookupTimeout bounds how long a message waits for its on-call
// mention before it goes without.
const OnCallLookupTimeout = 5 * time.Second

// WithOnCall returns mentions with the on-call users that find names for
// the incident's service, each once; on a failure it returns mentions as
// they were and the error, for the caller to log.
func WithOnCall(ctx context.Context, find OnCallMentions, platform string, inc *Incident, mentions []string) ([]string, error) {
	if find == nil || inc == nil {
		return mentions, nil
	}
	ctx, cancel := context.WithTimeout(ctx, OnCallLookupTimeout)
	defer cancel()
	ids, err := find(ctx, platform, inc.Service)
	if err != nil {
		return mentions, err
	}
	out := slices.Clone(mentions)
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}
