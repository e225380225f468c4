package discord_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/internal/testkit"
)

// TestStorm: 100 changes to one incident in one second are at most two
// edits of its card, and Discord never answers 429.
func TestStorm(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := newStack(t, options{interval: time.Second, now: clock.Now})
	ctx := context.Background()
	s.slash(alice, parentID, "declare", map[string]any{"title": "Storm"})
	s.drain()
	clock.Advance(2 * time.Second)
	room := s.room(1)
	for i := range 100 {
		if _, err := s.svc.SetField(ctx, 1, alice, bot.FieldSummary, fmt.Sprintf("change %d", i)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Millisecond)
		if _, err := s.worker.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(2 * time.Second)
	s.drain()
	card := s.fake.Messages(room)[0]
	if card.Edits > 2 || card.Edits == 0 || !strings.Contains(string(card.Embeds), "change 99") {
		t.Errorf("card: %d edits, %s", card.Edits, card.Embeds)
	}
	if n := s.fake.Limited(); n != 0 {
		t.Errorf("the fake answered %d 429s", n)
	}
}

// TestErrorClasses: a 429 waits without a failure, a 401 stops delivery
// until the hold ends, and a post to a deleted room falls back to the
// announcement channel.
func TestErrorClasses(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := newStack(t, options{now: clock.Now})
	ctx := context.Background()
	s.slash(alice, parentID, "declare", map[string]any{"title": "Errors"})
	s.drain()
	room := s.room(1)

	// 429 on the next message: the post waits for retry_after, then goes once.
	s.fake.Fail("POST /channels/"+room+"/messages", 429, 0, 1)
	if _, err := s.svc.PostUpdate(ctx, 1, alice, "first update", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := countText(s.fake.Messages(room), "first update"); n != 0 {
		t.Errorf("posted %d times during the 429", n)
	}
	clock.Advance(3 * time.Second)
	s.drain()
	if n := countText(s.fake.Messages(room), "first update"); n != 1 {
		t.Errorf("posted %d times after the 429, want 1", n)
	}

	// 401: delivery stops for the hold, then one call probes and heals.
	s.fake.Fail("POST /channels/", 401, 0, 1)
	if _, err := s.svc.PostUpdate(ctx, 1, alice, "second update", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	clock.Advance(time.Minute)
	s.drain()
	if n := countText(s.fake.Messages(room), "second update"); n != 0 {
		t.Errorf("posted %d times while held", n)
	}
	clock.Advance(16 * time.Minute)
	s.drain()
	if n := countText(s.fake.Messages(room), "second update"); n != 1 {
		t.Errorf("posted %d times after the hold, want 1", n)
	}

	// The room is deleted: the post goes to the announcement channel.
	s.fake.DeleteChannel(room)
	if _, err := s.svc.PostUpdate(ctx, 1, alice, "third update", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := countText(s.fake.Messages(announce), "third update"); n < 1 {
		t.Errorf("third update not in the announcement channel: %+v", s.fake.Messages(announce))
	}
}

func countText(msgs []discordtest.Message, text string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(string(m.Embeds), text) || strings.Contains(m.Content, text) {
			n++
		}
	}
	return n
}

// TestForbiddenChannelFailsOnlyItsJob: a 403 (Missing Permissions) on one
// room fails that job, with a warning naming the refusal, and holds
// nothing: another incident's room gets its update at once, and the next
// post to the refused room goes through.
func TestForbiddenChannelFailsOnlyItsJob(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := newStack(t, options{now: clock.Now})
	ctx := context.Background()
	s.slash(alice, parentID, "declare", map[string]any{"title": "Refused room"})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Open room"})
	s.drain()
	refused, open := s.room(1), s.room(2)

	s.fake.Fail("POST /channels/"+refused+"/messages", 403, 50013, 1)
	// the refused room's post first, then the other's
	if _, err := s.svc.PostUpdate(ctx, 1, alice, "refused update", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if _, err := s.svc.PostUpdate(ctx, 2, alice, "open update", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := countText(s.fake.Messages(open), "open update"); n != 1 {
		t.Fatalf("the other room got its update %d times, want 1 at once (a 403 on one room holds nothing)", n)
	}
	if n := countText(s.fake.Messages(refused), "refused update"); n != 0 {
		t.Errorf("the refused post shows %d times", n)
	}
	dead, err := s.store.DeadJobs(ctx, 10)
	if err != nil || len(dead) != 1 || dead[0].Incident != 1 {
		t.Errorf("dead jobs = %+v, %v; want the refused room's post", dead, err)
	}
	if _, err := s.svc.PostUpdate(ctx, 1, alice, "after the fix", ""); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if n := countText(s.fake.Messages(refused), "after the fix"); n != 1 {
		t.Errorf("the next post to the room went %d times, want 1", n)
	}
}
