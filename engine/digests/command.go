package digests

import (
	"context"
	"time"

	"github.com/warroom/warroom/bot/digest"
)

// Command is the `/incident digest` capability (commands.Digester): it
// builds a digest of the period ending now, posts it to the channel the
// command came from (or, from outside a channel, to the schedules'
// channels) and answers with its markdown.
type Command struct {
	Runner   *Runner
	Defaults digest.Options // Location, Severities, Sections of on-request digests
}

// Digest implements commands.Digester.
func (c Command) Digest(ctx context.Context, period time.Duration, channel string) (string, error) {
	o := c.Defaults
	o.Period, o.End = period, time.Time{}
	channels := []string{channel}
	if channel == "" {
		channels = c.Runner.Channels()
	}
	var d *digest.Digest
	var err error
	if len(channels) == 0 {
		if d, err = c.Runner.Build(ctx, o); err != nil {
			return "", err
		}
	}
	for _, ch := range channels {
		if d != nil {
			_, err = c.Runner.post(ctx, "", ch, time.Time{}, digest.Message(d))
		} else {
			d, err = c.Runner.PostNow(ctx, o, ch)
		}
		if err != nil {
			return "", err
		}
	}
	return digest.Markdown(d), nil
}
