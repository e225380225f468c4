package slack_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestRouteChannelAnnounces: an incident declared by an alert whose route
// names a channel is announced in that channel, not the default one;
// another alert's incident still goes to the default.
func TestRouteChannelAnnounces(t *testing.T) {
	s := newStack(t, options{alerts: bot.AlertConfig{Routes: []bot.Route{{
		Name: "database", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, Channel: "#db-oncall", AutoDeclare: true,
	}}}})
	s.fake.AddChannel("C0DBONCALL", "db-oncall")
	start := time.Now().UTC().Add(-time.Minute)
	alert := func(fp, team string) bot.Alert {
		return bot.Alert{Source: "alertmanager", Fingerprint: fp, Status: bot.AlertFiring, StartsAt: start,
			Labels: map[string]string{"alertname": "ReplicaLag", "team": team, "service": team + "-svc"}}
	}
	if _, err := s.svc.HandleAlerts(context.Background(), bot.Cause{}, []bot.Alert{alert("db1", "db"), alert("web1", "web")}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	db, def := s.messages("C0DBONCALL"), s.messages(announceID)
	if len(db) != 1 || !strings.Contains(string(db[0].Blocks), "ReplicaLag on db-svc") {
		t.Fatalf("the route's channel has %d messages, want the db incident's card: %+v", len(db), db)
	}
	if len(def) != 1 || !strings.Contains(string(def[0].Blocks), "ReplicaLag on web-svc") {
		t.Fatalf("the default channel has %d messages, want the web incident's card: %+v", len(def), def)
	}
}

// TestRespondersJoinTheRoom: the responders of the alert's route (a user
// and a user group) and of its service, and everyone later given a role,
// are invited to the incident channel.
func TestRespondersJoinTheRoom(t *testing.T) {
	s := newStack(t, options{
		alerts: bot.AlertConfig{Routes: []bot.Route{{
			Name: "database", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, AutoDeclare: true,
			Responders: []string{"U0DBA", "S0DBTEAM"},
		}}},
		services: map[string]bot.ServiceConfig{"pg": {Responders: []string{"U0PGOWNER"}}},
	})
	s.fake.AddUserGroup("S0DBTEAM", "U0DBTEAM1", "U0DBTEAM2")
	a := bot.Alert{Source: "alertmanager", Fingerprint: "db1", Status: bot.AlertFiring, StartsAt: time.Now().UTC().Add(-time.Minute),
		Labels: map[string]string{"alertname": "ReplicaLag", "team": "db", "service": "pg"}}
	if _, err := s.svc.HandleAlerts(context.Background(), bot.Cause{}, []bot.Alert{a}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	members := s.channel(1).Members
	for _, u := range []string{"U0DBA", "U0DBTEAM1", "U0DBTEAM2", "U0PGOWNER"} {
		if !slices.Contains(members, u) {
			t.Errorf("%s is not in the channel: %v", u, members)
		}
	}
	if _, err := s.svc.AssignRole(context.Background(), 1, "U0DBA", "scribe", "U0SCRIBE"); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if members := s.channel(1).Members; !slices.Contains(members, "U0SCRIBE") {
		t.Errorf("the scribe is not in the channel: %v", members)
	}
}
