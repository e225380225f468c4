package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/internal/testkit"
)

// settle delivers what is due, moving the clock past every retry and wait
// the faults cause, until nothing is left.
func (s *stack) settle(clock *testkit.Clock) {
	s.t.Helper()
	for range 8 {
		s.drain()
		clock.Advance(5 * time.Second)
	}
	s.drain()
}

// rooms lists the threads under parent named like incident key's room.
func (s *stack) rooms(parent, key string) []discordtest.Channel {
	var out []discordtest.Channel
	for _, c := range s.fake.Threads(parent) {
		if strings.HasPrefix(c.Name, key+" · ") {
			out = append(out, c)
		}
	}
	return out
}

// hangTimeout is the REST call timeout of a test injecting fault: short
// enough for a hung call to end soon, long enough that no other call times
// out on a loaded machine; the default for the other faults.
func hangTimeout(fault discordtest.Fault) time.Duration {
	if fault == discordtest.Hang || fault == discordtest.WorkThenHang {
		return 2 * time.Second
	}
	return 0
}

// calls counts the calls whose "METHOD /path" contains match.
func (s *stack) calls(match string) int {
	n := 0
	for _, c := range s.fake.Calls() {
		if strings.Contains(c.Method+" "+c.Path, match) {
			n++
		}
	}
	return n
}

// TestRoomNeverTwice: whatever happens to the create of a room (the work
// done and the answer lost, a 5xx, a hang, a 429 of the route or of the
// whole bot), the incident ends with one room, one card and one
// announcement, in the forum and in a text channel's threads, with
// discord.guild set or not, and when the room was archived before the
// retry.
func TestRoomNeverTwice(t *testing.T) {
	for _, c := range []struct {
		name    string
		fault   discordtest.Fault
		private bool // a thread under the text channel, not a forum post
		noGuild bool
		archive bool
	}{
		{name: "forum work then 500", fault: discordtest.WorkThen500},
		{name: "thread work then 500", fault: discordtest.WorkThen500, private: true},
		{name: "forum work then hang", fault: discordtest.WorkThenHang},
		{name: "thread work then hang, no guild", fault: discordtest.WorkThenHang, private: true, noGuild: true},
		{name: "forum work then 500, no guild", fault: discordtest.WorkThen500, noGuild: true},
		{name: "forum archived before the retry", fault: discordtest.WorkThen500, archive: true},
		{name: "thread archived before the retry", fault: discordtest.WorkThen500, private: true, archive: true},
		{name: "500", fault: discordtest.Status500},
		{name: "hang", fault: discordtest.Hang},
		{name: "429", fault: discordtest.RateLimited},
		{name: "global 429", fault: discordtest.GlobalRateLimited},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := testkit.NewClock(time.Now())
			s := newStack(t, options{now: clock.Now, noGuild: c.noGuild, timeout: hangTimeout(c.fault)})
			parent := forumID
			opts := map[string]any{"title": "Lost answer"}
			if c.private {
				parent = parentID
				opts["private"] = true
			}
			s.fake.Inject("POST /channels/"+parent+"/threads", c.fault, 1)
			s.slash(alice, parentID, "declare", opts)
			s.drain()
			if c.archive {
				for _, r := range s.rooms(parent, "INC-1") {
					s.fake.Archive(r.ID)
				}
			}
			s.settle(clock)

			rooms := s.rooms(parent, "INC-1")
			if len(rooms) != 1 {
				t.Fatalf("%d rooms, want 1: %+v", len(rooms), rooms)
			}
			if got := s.room(1); got != rooms[0].ID {
				t.Errorf("the incident is linked to %s, not to its room %s", got, rooms[0].ID)
			}
			if n := countText(s.fake.Messages(rooms[0].ID), "Lost answer"); n != 1 {
				t.Errorf("%d cards in the room, want 1", n)
			}
			if !c.private {
				if n := countText(s.fake.Messages(announce), "Lost answer"); n != 1 {
					t.Errorf("%d announcements, want 1", n)
				}
			}
			worked := c.fault == discordtest.WorkThen500 || c.fault == discordtest.WorkThenHang
			if looked := s.calls("/threads/active"); worked && looked == 0 {
				t.Error("the room was not looked for after the unknown outcome")
			} else if c.fault == discordtest.RateLimited || c.fault == discordtest.GlobalRateLimited {
				if looked != 0 {
					t.Errorf("a refused create (429) was looked for %d times: nothing was made", looked)
				}
			}
		})
	}
}

// TestGlobalRateLimitPausesEveryRoute: a 429 for the bot's global limit
// holds every route until its retry_after, not only the one refused.
func TestGlobalRateLimitPausesEveryRoute(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := newStack(t, options{now: clock.Now})
	s.fake.Inject("POST /channels/"+forumID+"/threads", discordtest.GlobalRateLimited, 1)
	s.slash(alice, parentID, "declare", map[string]any{"title": "Global"})
	s.drain()
	before := len(s.fake.Calls())
	if _, err := s.svc.PostUpdate(context.Background(), 1, alice, "meanwhile", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := len(s.fake.Calls()); n != before {
		t.Errorf("%d calls were made during the global pause", n-before)
	}
	clock.Advance(time.Duration(discordtest.RetryAfter*float64(time.Second)) + time.Second)
	s.settle(clock)
	if n := countText(s.fake.Messages(s.room(1)), "meanwhile"); n != 1 {
		t.Errorf("the update was posted %d times after the pause, want 1", n)
	}
}

// TestStrangersRoomNotAdopted: after an unknown outcome, a thread of the
// room's name made by someone else, or by the bot before the create was
// asked (another warroom, an older database), is never adopted: warroom
// opens its own, once.
func TestStrangersRoomNotAdopted(t *testing.T) {
	for _, private := range []bool{false, true} {
		t.Run(map[bool]string{false: "forum", true: "thread"}[private], func(t *testing.T) {
			clock := testkit.NewClock(time.Now().Add(-time.Hour))
			s := newStack(t, options{now: clock.Now})
			parent, opts := forumID, map[string]any{"title": "Same name"}
			if private {
				parent, opts["private"] = parentID, true
			}
			name := "INC-1 · SEV3 · Same name"
			old := s.fake.AddThread(parent, name, discordtest.BotID)
			clock.Advance(time.Hour)
			stranger := s.fake.AddThread(parent, name, bob)
			s.fake.Inject("POST /channels/"+parent+"/threads", discordtest.Status500, 1)
			s.slash(alice, parentID, "declare", opts)
			s.settle(clock)
			room := s.room(1)
			if room == old || room == stranger {
				t.Fatalf("adopted a thread warroom did not open for this incident: %s", room)
			}
			if n := len(s.rooms(parent, "INC-1")); n != 3 {
				t.Errorf("%d threads of that name, want the two others and one room", n)
			}
			if n := countText(s.fake.Messages(room), "Same name"); n != 1 {
				t.Errorf("%d cards in the room, want 1", n)
			}
		})
	}
}

// TestMessageNeverTwice: a message whose answer was lost is posted once,
// whether the retry comes within the nonce's window (Discord returns the
// message the nonce made) or long after it (warroom finds the message
// among the channel's and adopts it): the first messages of a thread room
// (the call to the responders, the card), an update in the room and its
// announcement.
func TestMessageNeverTwice(t *testing.T) {
	for _, after := range []time.Duration{0, time.Hour} {
		t.Run("room's first messages, retry after "+after.String(), func(t *testing.T) {
			clock := testkit.NewClock(time.Now())
			s := newStack(t, options{now: clock.Now})
			s.fake.Inject("/messages", discordtest.WorkThen500, 1)
			s.fake.Inject("/messages", discordtest.WorkThen500, 1)
			s.slash(alice, parentID, "declare", map[string]any{"title": "Thread room", "private": true})
			s.drain()
			clock.Advance(after)
			s.settle(clock)
			room := s.room(1)
			if n := countText(s.fake.Messages(room), "you are called"); n != 1 {
				t.Errorf("the responders were called %d times, want 1", n)
			}
			if n := countText(s.fake.Messages(room), "Thread room"); n != 1 {
				t.Errorf("%d cards, want 1", n)
			}
		})
		for _, where := range []string{"room", "announcement"} {
			fault, name := discordtest.WorkThen500, "work then 500"
			if where == "announcement" {
				fault, name = discordtest.WorkThenHang, "work then hang"
			}
			t.Run(where+", "+name+", retry after "+after.String(), func(t *testing.T) {
				clock := testkit.NewClock(time.Now())
				s := newStack(t, options{now: clock.Now, timeout: hangTimeout(fault)})
				s.slash(alice, parentID, "declare", map[string]any{"title": "Forum room"})
				s.settle(clock)
				ch := s.room(1)
				if where == "announcement" {
					ch = announce
				}
				s.fake.Inject("POST /channels/"+ch+"/messages", fault, 1)
				if _, err := s.svc.PostUpdate(context.Background(), 1, alice, "lost answer", ""); err != nil {
					t.Fatal(err)
				}
				s.drain()
				clock.Advance(after)
				s.settle(clock)
				if n := countText(s.fake.Messages(ch), "lost answer"); n != 1 {
					t.Errorf("%d messages, want 1", n)
				}
			})
		}
	}
}
