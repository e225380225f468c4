package digests

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
)

// Command is the `/incident digest` capability (commands.Digester): it
// builds a digest of the period ending now and posts it to the channel the
// command came from: on that platform alone when the platform is a target
// (a Discord channel id means nothing on Slack), on every target otherwise
// (a channel named through the JSON API). From outside a channel it goes
// to the schedules' channels, each on its schedule's platforms. It answers
// with one line that says where the digest went, so the channel does not
// show it twice; with nowhere to post it, it answers with the digest's
// markdown (without the chart, which a reply does not carry).
type Command struct {
	Runner   *Runner
	Defaults digest.Options // Location, Severities, Sections of on-request digests
}

// Digest implements commands.Digester.
func (c Command) Digest(ctx context.Context, period time.Duration, channel, platform string) (string, error) {
	o := c.Defaults
	o.Period, o.End = period, time.Time{}
	var to []digest.Schedule
	if channel != "" {
		s := digest.Schedule{Channel: channel}
		if slices.Contains(c.Runner.targets(), platform) {
			s.Platforms = []string{platform} // a channel there, maybe no channel elsewhere
		}
		to = append(to, s)
	} else {
		seen := map[string]bool{}
		for _, s := range c.Runner.schedules() {
			key := s.Channel + "\x00" + strings.Join(s.Platforms, ",")
			if !seen[key] {
				seen[key] = true
				to = append(to, digest.Schedule{Channel: s.Channel, Platforms: s.Platforms})
			}
		}
	}
	d, err := c.Runner.Build(ctx, o)
	if err != nil {
		return "", err
	}
	if len(to) == 0 {
		d.Chart = nil
		return digest.Markdown(d), nil
	}
	var channels []string
	for _, s := range to {
		if _, err := c.Runner.post(ctx, s, time.Time{}, digest.Message(d)); err != nil {
			return "", err
		}
		if ch := "#" + strings.TrimPrefix(s.Channel, "#"); !slices.Contains(channels, ch) {
			channels = append(channels, ch)
		}
	}
	span := "all time"
	if o.Period > 0 {
		span = "last " + kpi.FormatPeriod(o.Period)
	}
	return fmt.Sprintf("Posted the digest (%s) to %s: %s.", span, strings.Join(channels, ", "), digest.Headline(d)), nil
}
