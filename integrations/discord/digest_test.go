package discord_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/internal/testkit"
)

// hourly is a schedule with a slot at every full hour.
func hourly(t time.Time) time.Time { return t.Truncate(time.Hour).Add(time.Hour) }

// digestRunner is a replica's digest runner posting schedule on Discord,
// its chart a few bytes of PNG.
func (s *stack) digestRunner(owner string, clock *testkit.Clock, sched digest.Schedule) *digests.Runner {
	s.t.Helper()
	chart := func(*digest.Digest) ([]byte, error) { return []byte("\x89PNG\r\n\x1a\nchart"), nil }
	r, err := digests.NewRunner(digests.RunnerConfig{
		Schedules: []digest.Schedule{sched}, Targets: []string{discord.Platform}, Owner: owner,
		Start: clock.Now().Add(-time.Minute), Now: clock.Now,
	}, s.store, digest.NewBuilder(s.store, nil, chart), nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// TestScheduledDigestOnDiscord: a digest scheduled for a Discord channel
// named like a Slack one is posted there once per slot, with its chart
// uploaded and shown as the embed's image, whichever replica ticks, and
// when the answer to the post was lost; a digest for Slack alone is not
// posted on Discord.
func TestScheduledDigestOnDiscord(t *testing.T) {
	const digestID = "400000000000000077"
	clock := testkit.NewClock(time.Date(2026, 12, 7, 8, 30, 0, 0, time.UTC))
	s := newStack(t, options{now: clock.Now})
	s.fake.AddChannel(digestID, "sre-digests", 0)
	ctx := context.Background()
	sched := digest.Schedule{Name: "hourly", Channel: "#sre-digests", Next: hourly, Options: digest.Options{Period: 7 * kpi.Day},
		Platforms: []string{discord.Platform}}
	a, b := s.digestRunner("a", clock, sched), s.digestRunner("b", clock, sched)
	slackOnly := s.digestRunner("a", clock, digest.Schedule{Name: "slack-only", Channel: "sre-digests", Next: hourly,
		Platforms: []string{"slack"}})

	clock.Advance(time.Hour) // 09:30: the 09:00 slot is due
	s.fake.Inject("POST /channels/"+digestID+"/messages", discordtest.WorkThen500, 1)
	for _, r := range []*digests.Runner{a, b, slackOnly, a} {
		if err := r.Tick(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	s.settle(clock)
	msgs := s.fake.Messages(digestID)
	if len(msgs) != 1 {
		t.Fatalf("%d digests in the channel, want 1: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if !strings.Contains(string(m.Embeds), "Incident digest") || !strings.Contains(string(m.Embeds), `"url":"attachment://digest.png"`) {
		t.Errorf("digest embed %s: want the digest with its chart as the image", m.Embeds)
	}
	if !slices.Equal(m.Files, []string{"digest.png"}) {
		t.Errorf("files %v, want the chart", m.Files)
	}

	clock.Advance(time.Hour) // the next slot: one more
	if err := b.Tick(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.settle(clock)
	if n := len(s.fake.Messages(digestID)); n != 2 {
		t.Errorf("%d digests after the next slot, want 2", n)
	}
}

// TestDigestToUnknownChannel: a digest for a channel the server does not
// have is a permanent failure, not a post in another channel.
func TestDigestToUnknownChannel(t *testing.T) {
	clock := testkit.NewClock(time.Date(2026, 12, 7, 8, 30, 0, 0, time.UTC))
	s := newStack(t, options{now: clock.Now})
	r := s.digestRunner("a", clock, digest.Schedule{Name: "nowhere", Channel: "no-such-channel", Next: hourly})
	clock.Advance(time.Hour)
	if err := r.Tick(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.settle(clock)
	if n := len(s.fake.Messages(announce)); n != 0 {
		t.Errorf("the digest went to the announcement channel (%d messages)", n)
	}
	dead, err := s.store.DeadJobs(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || !strings.Contains(dead[0].LastError, `no text channel "no-such-channel"`) {
		t.Errorf("dead letters %+v, want the digest's, naming the channel", dead)
	}
}
