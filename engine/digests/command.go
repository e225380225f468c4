package digests

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Command is the `/incident digest` capability (commands.Digester): it
// builds a digest of the period ending now and posts it to the channel the
// command came from (or, from outside a channel, to the schedules'
// channels), answering with one line that says where it went, so the
// channel does not show the digest twice. With nowhere to post it, it
// answers with the digest's markdown (without the chart, which a reply
// does not carry).
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
	if len(channels) == 0 {
		d.Chart = nil
		return digest.Markdown(d), nil
	}
	for i, ch := range channels {
		channels[i] = "#" + strings.TrimPrefix(ch, "#")
	}
	span := "all time"
	if o.Period > 0 {
		span = "last " + kpi.FormatPeriod(o.Period)
	}
	return fmt.Sprintf("Posted the digest (%s) to %s: %s.", span, strings.Join(channels, ", "), digest.Headline(d)), nil
}
