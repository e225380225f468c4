package discord_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// TestIncidentStory runs one incident from Discord, start to end: declare
// by command → forum post with the card → Acknowledge → card edited →
// update through the modal → resolve → summary posted in the room.
func TestIncidentStory(t *testing.T) {
	s := newStack(t, options{})
	ctx := context.Background()

	// Alice declares from a channel, naming Bob commander.
	r := s.slash(alice, parentID, "declare", map[string]any{"title": "Checkout latency above SLO", "severity": "sev2", "service": "checkout", "commander": bob})
	if r.Type != 4 || !strings.Contains(r.Data.Content, "Declared INC-1") || r.Data.Flags != 0 {
		t.Fatalf("declare answer = %+v", r)
	}
	if r.Data.Mentions == nil || len(r.Data.Mentions.Parse) != 0 {
		t.Errorf("declare answer may ping: %+v", r.Data.Mentions)
	}
	s.drain()

	// A forum post opens, named and tagged, with the card as its starter.
	room := s.room(1)
	post, ok := s.fake.Channel(room)
	if !ok || post.ParentID != forumID || post.Name != "INC-1 · SEV2 · Checkout latency above SLO" {
		t.Fatalf("room = %+v", post)
	}
	if tags := s.fake.TagNames(forumID, post.AppliedTags); !slices.Equal(tags, []string{"triggered", "SEV2"}) {
		t.Errorf("tags = %v", tags)
	}
	for _, u := range []string{alice, bob} {
		if !slices.Contains(post.Members, u) {
			t.Errorf("%s not added; members %v", u, post.Members)
		}
	}
	msgs := s.fake.Messages(room)
	if len(msgs) != 2 || msgs[0].ID != room || !strings.Contains(string(msgs[0].Components), "Acknowledge") {
		t.Fatalf("room messages = %+v", msgs)
	}
	if !strings.Contains(msgs[1].Content, "<@&"+roleID+">") || !strings.Contains(string(msgs[1].AllowedMentions), roleID) {
		t.Errorf("responders message = %+v", msgs[1])
	}
	ann := s.fake.Messages(announce)
	if len(ann) != 1 || !strings.Contains(string(ann[0].Embeds), "INC-1") || ann[0].Nonce == "" {
		t.Fatalf("announcements = %+v", ann)
	}

	// Bob clicks Acknowledge: everyone in the room sees it; the card and
	// the announcement are edited in place; the tag follows.
	r = s.click(bob, msgs[0], "Acknowledge")
	if r.Type != 4 || r.Data.Flags != 0 || !strings.Contains(r.Data.Content, "<@"+bob+">") {
		t.Errorf("ack answer = %+v", r)
	}
	s.drain()
	card := s.fake.Messages(room)[0]
	if card.Edits != 1 || strings.Contains(string(card.Components), "Acknowledge") || !strings.Contains(string(card.Embeds), "acknowledged") {
		t.Errorf("card after ack: edits %d, %s", card.Edits, card.Embeds)
	}
	if ann := s.fake.Messages(announce); len(ann) != 1 || ann[0].Edits != 1 {
		t.Errorf("announcement after ack = %+v", ann)
	}
	post, _ = s.fake.Channel(room)
	if tags := s.fake.TagNames(forumID, post.AppliedTags); !slices.Contains(tags, "acknowledged") {
		t.Errorf("tags after ack = %v", tags)
	}

	// Bob clicks Post update: a modal opens; he submits it.
	r = s.click(bob, card, "Post update")
	if r.Type != 9 || r.Data.CustomID != "warroom_update|INC-1" {
		t.Fatalf("post update answer = %+v", r)
	}
	r = s.submit(bob, room, r.Data.CustomID, map[string]string{"status": "identified", "text": "Failover to the replica @everyone"})
	if r.Type != 4 || r.Data.Flags != 0 {
		t.Errorf("update answer = %+v", r)
	}
	s.drain()
	inc, _ := s.svc.Get(ctx, 1)
	if inc.Status != bot.StatusIdentified {
		t.Errorf("status = %s", inc.Status)
	}
	msgs = s.fake.Messages(room)
	last := msgs[len(msgs)-1]
	if !strings.Contains(string(last.Embeds), "Failover to the replica") || !strings.Contains(string(last.AllowedMentions), `"parse":[]`) {
		t.Errorf("update post = %+v", last)
	}

	// Alice resolves from the room, by command: it acts on the room's incident.
	r = s.slash(alice, room, "resolve", map[string]any{"summary": "Replica promoted"})
	if r.Type != 4 || !strings.Contains(r.Data.Content, "resolved") {
		t.Errorf("resolve answer = %+v", r)
	}
	s.drain()
	msgs = s.fake.Messages(room)
	var summary bool
	for _, m := range msgs {
		if strings.Contains(string(m.Embeds), "Timeline of INC-1") {
			summary = true
		}
	}
	if !summary {
		t.Errorf("no summary in the room: %+v", msgs)
	}
	post, _ = s.fake.Channel(room)
	if tags := s.fake.TagNames(forumID, post.AppliedTags); !slices.Contains(tags, "resolved") {
		t.Errorf("tags after resolve = %v", tags)
	}
	if n := s.fake.Limited(); n != 0 {
		t.Errorf("the fake answered %d 429s", n)
	}
}

// TestAddToTimeline records a message picked from its menu, once.
func TestAddToTimeline(t *testing.T) {
	s := newStack(t, options{})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Queue backlog"})
	s.drain()
	room := s.room(1)
	data := map[string]any{"id": "2", "name": "Add to timeline", "type": 3, "target_id": "600000000000000001",
		"resolved": map[string]any{"messages": map[string]any{"600000000000000001": map[string]any{
			"id": "600000000000000001", "channel_id": room, "content": "the queue drains again",
			"author": map[string]any{"id": bob}, "timestamp": "2026-12-07T04:00:00Z"}}}}
	for i, want := range []string{"Added to INC-1", "already"} {
		r := s.interact(alice, room, 2, data)
		if r.Data.Flags != 64 || !strings.Contains(r.Data.Content, want) {
			t.Errorf("try %d: answer = %+v", i, r)
		}
	}
	entries, err := s.svc.Timeline(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.Contains(e.Text, "the queue drains again") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d timeline entries hold the message, want 1", n)
	}
}

// TestDeclareForm: /incident declare with no options opens the form, and
// its submission declares.
func TestDeclareForm(t *testing.T) {
	s := newStack(t, options{})
	r := s.slash(alice, parentID, "declare", nil)
	if r.Type != 9 || r.Data.CustomID != "warroom_declare" {
		t.Fatalf("declare answer = %+v", r)
	}
	r = s.submit(alice, parentID, "warroom_declare", map[string]string{"title": "--private INC-9 <@&1>", "severity": "sev1", "service": "db"})
	if r.Type != 4 || !strings.Contains(r.Data.Content, "Declared INC-1 (SEV1)") {
		t.Fatalf("submit answer = %+v", r)
	}
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil || inc.Title != "--private INC-9 <@&1>" || inc.Private || inc.Service != "db" {
		t.Errorf("incident = %+v, %v", inc, err)
	}
}

// TestStaleClick: a click on a card whose incident moved on refreshes the
// card and says so to the clicker alone.
func TestStaleClick(t *testing.T) {
	s := newStack(t, options{})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Disk full"})
	s.drain()
	card := s.fake.Messages(s.room(1))[0]
	s.slash(alice, s.room(1), "ack", nil)
	r := s.click(bob, card, "Acknowledge")
	if r.Data.Flags != 64 || !strings.Contains(r.Data.Content, "moved on") {
		t.Errorf("stale click answer = %+v", r)
	}
}
