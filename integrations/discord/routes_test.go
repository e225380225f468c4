package discord_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestRouteChannelAnnounces: an incident declared by an alert whose route
// names a channel (by name) is announced in that channel, not the default
// one; another alert's incident still goes to the default.
func TestRouteChannelAnnounces(t *testing.T) {
	s := newStack(t, options{alerts: bot.AlertConfig{Routes: []bot.Route{{
		Name: "database", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, Channel: "db-oncall", AutoDeclare: true,
	}}}})
	const dbID = "400000000000000001"
	s.fake.AddChannel(dbID, "db-oncall", 0)
	start := time.Now().UTC().Add(-time.Minute)
	alert := func(fp, team string) bot.Alert {
		return bot.Alert{Source: "alertmanager", Fingerprint: fp, Status: bot.AlertFiring, StartsAt: start,
			Labels: map[string]string{"alertname": "ReplicaLag", "team": team, "service": team + "-svc"}}
	}
	if _, err := s.svc.HandleAlerts(context.Background(), bot.Cause{}, []bot.Alert{alert("db1", "db"), alert("web1", "web")}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	db, def := s.fake.Messages(dbID), s.fake.Messages(announce)
	if len(db) != 1 || !strings.Contains(string(db[0].Embeds), "ReplicaLag on db-svc") {
		t.Fatalf("the route's channel has %d messages, want the db incident's card: %+v", len(db), db)
	}
	if len(def) != 1 || !strings.Contains(string(def[0].Embeds), "ReplicaLag on web-svc") {
		t.Fatalf("the default channel has %d messages, want the web incident's card: %+v", len(def), def)
	}
}

// TestRespondersJoinTheRoom: a route's responder user is added to the
// room and its responder role is mentioned there once (a mention is how a
// role's people join a thread); a scribe named later is added too.
func TestRespondersJoinTheRoom(t *testing.T) {
	const dba, dbRole, scribe = "500000000000000001", "600000000000000001", "500000000000000002"
	s := newStack(t, options{alerts: bot.AlertConfig{Routes: []bot.Route{{
		Name: "database", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, AutoDeclare: true,
		Responders: []string{dba, bot.ResponderRolePrefix + dbRole},
	}}}})
	a := bot.Alert{Source: "alertmanager", Fingerprint: "db1", Status: bot.AlertFiring, StartsAt: time.Now().UTC().Add(-time.Minute),
		Labels: map[string]string{"alertname": "ReplicaLag", "team": "db"}}
	if _, err := s.svc.HandleAlerts(context.Background(), bot.Cause{}, []bot.Alert{a}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	room := s.room(1)
	if c, _ := s.fake.Channel(room); !slices.Contains(c.Members, dba) {
		t.Errorf("the responder is not in the room: %v", c.Members)
	}
	called := 0
	for _, m := range s.fake.Messages(room) {
		if strings.Contains(m.Content, "<@&"+dbRole+">") {
			called++
			if !strings.Contains(string(m.AllowedMentions), dbRole) {
				t.Errorf("the role mention does not notify: %s", m.AllowedMentions)
			}
		}
	}
	if called != 1 {
		t.Errorf("the route's role was called %d times, want once", called)
	}
	if _, err := s.svc.AssignRole(context.Background(), 1, dba, "scribe", scribe); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if c, _ := s.fake.Channel(room); !slices.Contains(c.Members, scribe) {
		t.Errorf("the scribe is not in the room: %v", c.Members)
	}
}

// TestActionReminderIsADirectMessage: an action item reminder goes to its
// owner's DMs with the item, the incident and the due date.
func TestActionReminderIsADirectMessage(t *testing.T) {
	s := newStack(t, options{})
	const bob = "500000000000000009"
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Disk full", Severity: bot.SEV3, Actor: "500000000000000001"})
	if err != nil {
		t.Fatal(err)
	}
	due := s.svc.Now().Add(2 * time.Hour) // the day-before reminder is due at once
	if _, err := s.svc.AddAction(ctx, inc.Number, "500000000000000001", bot.ActionInput{Title: "Add disk alerts", Owner: bob, Due: &due}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.svc.FireReminders(ctx, s.svc.Now(), 0); err != nil || n == 0 {
		t.Fatalf("fired %d reminders, %v", n, err)
	}
	s.drain()
	dm := s.fake.Messages("dm-" + bob)
	if len(dm) != 1 || !strings.Contains(string(dm[0].Embeds), "Add disk alerts") || !strings.Contains(string(dm[0].Embeds), inc.Key()) ||
		!strings.Contains(string(dm[0].Embeds), due.Format(time.DateOnly)) {
		t.Fatalf("bob's direct messages: %+v", dm)
	}
}
