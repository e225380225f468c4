package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

func TestIncidentTitles(t *testing.T) {
	routes := []bot.Route{
		{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}}, AutoDeclare: true,
			Title: "{{.Rule}} in {{.Labels.cluster}} ({{.Service}})"},
	}
	f := newAlertFixture(t, bot.AlertConfig{Routes: routes})
	tests := []struct {
		name  string
		alert bot.Alert
		want  string
	}{
		{"rule and service", firing("a", "g1", "alertname", "HighLatency", "service", "checkout", "instance", "web-1"), "HighLatency on checkout"},
		{"rule and job", firing("b", "g2", "alertname", "NodeDown", "job", "node", "instance", "web-2"), "NodeDown on node"},
		{"rule alone", firing("c", "g3", "alertname", "Watchdog"), "Watchdog"},
		{"route template", firing("d", "g4", "alertname", "ReplicaLag", "team", "db", "cluster", "eu-1", "service", "pg"), "ReplicaLag in eu-1 (pg)"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.alert.Annotations = map[string]string{"summary": "on instance " + tt.alert.Labels["instance"]}
			f.handle(t, tt.alert)
			incs := f.incidents(t)
			if len(incs) != i+1 || incs[i].Title != tt.want {
				t.Fatalf("title %q, want %q", incs[len(incs)-1].Title, tt.want)
			}
		})
	}
}

func TestRouteTitleTemplateIsChecked(t *testing.T) {
	store := testkit.OpenStore(t, filepath.Join(t.TempDir(), "w.db"), nil)
	_, err := bot.NewService(bot.Config{Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "x", Title: "{{.Rule"}}}},
		store, nil)
	if err == nil || !strings.Contains(err.Error(), "title template") {
		t.Fatalf("a broken title template: err %v", err)
	}
}

func TestAlertLinks(t *testing.T) {
	tests := []struct {
		name  string
		alert bot.Alert
		want  []string // label=link
	}{
		{"alertmanager", bot.Alert{Source: "alertmanager", URL: "http://prom/graph",
			Annotations: map[string]string{"runbook_url": "https://rb/x", "silence_url": "http://am/#/silences/new?filter=x"}},
			[]string{"Runbook=https://rb/x", "Source=http://prom/graph", "Silence=http://am/#/silences/new?filter=x"}},
		{"grafana panel is the source", bot.Alert{Source: "grafana", URL: "http://g/d/1?viewPanel=2",
			Annotations: map[string]string{"panel_url": "http://g/d/1?viewPanel=2", "dashboard_url": "http://g/d/1"}},
			[]string{"Panel=http://g/d/1?viewPanel=2", "Dashboard=http://g/d/1"}},
		{"nagios", bot.Alert{Source: "nagios", URL: "https://nagios/cgi-bin/extinfo.cgi?host=web1"},
			[]string{"Nagios host=https://nagios/cgi-bin/extinfo.cgi?host=web1"}},
		{"not http", bot.Alert{Source: "generic", URL: "javascript:alert(1)", Annotations: map[string]string{"runbook_url": "runbooks/x"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, l := range bot.AlertLinks(tt.alert) {
				got = append(got, l.Label+"="+l.Link)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("links %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("links %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestRespondersOfRouteAndService(t *testing.T) {
	env := testkit.NewService(t, testkit.WithConfig(bot.Config{
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}},
			AutoDeclare: true, Responders: []string{"U0DBA", "S0DB"}}}},
		Services: map[string]bot.ServiceConfig{"pg": {Responders: []string{"@U0PG", "U0DBA"}}},
	}))
	ctx := t.Context()
	a := firing("a", "g", "alertname", "Lag", "team", "db", "service", "pg")
	if _, err := env.Svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{a}); err != nil {
		t.Fatal(err)
	}
	inc, err := env.Svc.Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(inc.Responders, ","); got != "U0DBA,S0DB,U0PG" {
		t.Errorf("alert incident responders %q", got)
	}
	manual, err := env.Svc.Declare(ctx, bot.DeclareInput{Title: "pg down", Service: "pg", Actor: "U0ME", Commander: "U0CMD"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(manual.Responders, ","); got != "U0PG,U0DBA" {
		t.Errorf("manual incident responders %q", got)
	}
	manual.Roles["scribe"] = "U0SCRIBE"
	if got := strings.Join(bot.RoomMembers(manual), ","); got != "U0CMD,U0SCRIBE,U0PG,U0DBA" {
		t.Errorf("room members %q", got)
	}
	if _, err := bot.NewService(bot.Config{Services: map[string]bot.ServiceConfig{"x": {Responders: []string{"<!channel>"}}}}, env.Store, nil); err == nil {
		t.Error("a responder that is no chat id was accepted")
	}
}

func TestChatMention(t *testing.T) {
	for in, want := range map[string]string{
		"U04DAVE01": "U04DAVE01", "@U04DAVE01": "U04DAVE01", "<@U04DAVE01>": "U04DAVE01",
		"<!subteam^S0614TZR7>": "S0614TZR7", "<!subteam^S0614TZR7|@oncall>": "S0614TZR7",
		"123456789012345678": "123456789012345678", "<@!123456789012345678>": "123456789012345678",
		"<@&123456789012345678>": "role:123456789012345678", "role:123456789012345678": "role:123456789012345678",
		"@sre-oncall": "", "carol": "", "<!channel>": "", "u04dave": "",
	} {
		if got := bot.ChatMention(in); got != want {
			t.Errorf("ChatMention(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCardListsFiringAlertsFirstAndCountsTheRest: of an incident's 9
// alerts, 7 resolved (the oldest) and 2 still firing (the newest), the
// card lists the 2 firing ones first, then the oldest resolved ones, and
// counts the rest from the incident's total.
func TestCardListsFiringAlertsFirstAndCountsTheRest(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	var all []bot.Alert
	for i := range 9 {
		all = append(all, firing(fmt.Sprintf("fp%d", i), "g", "alertname", "Down", "instance", fmt.Sprintf("web-%d", i)))
	}
	f.handle(t, all...)
	var ended []bot.Alert
	for _, a := range all[:7] {
		ended = append(ended, resolved(a))
	}
	f.handle(t, ended...)
	incs := f.incidents(t)
	if len(incs) != 1 || incs[0].Alerts != 9 || incs[0].AlertsFiring != 2 {
		t.Fatalf("incidents %+v", incs)
	}
	card := f.svc.CardWithAlerts(context.Background(), incs[0])
	var listed []string
	more := ""
	for _, fl := range card.Fields {
		switch {
		case strings.HasPrefix(fl.Label, "Alert Down"):
			listed = append(listed, fl.Label+" "+fl.Value)
		case fl.Label == "More alerts":
			more = fl.Value
		}
	}
	if len(listed) != bot.MaxCardAlerts {
		t.Fatalf("card lists %d alerts, want %d: %v", len(listed), bot.MaxCardAlerts, listed)
	}
	for i, inst := range []string{"web-7", "web-8", "web-0", "web-1", "web-2"} {
		if !strings.Contains(listed[i], "instance="+inst) {
			t.Errorf("alert %d is %q, want instance=%s", i, listed[i], inst)
		}
	}
	if !strings.HasPrefix(listed[0], "Alert Down: firing") || !strings.HasPrefix(listed[2], "Alert Down: resolved") {
		t.Errorf("firing alerts are not first: %v", listed)
	}
	if more != "4 more on the incident page" {
		t.Errorf("more alerts %q, want 4 more", more)
	}
}

// TestAttachedAlertsShareOneDelayedCardEdit: alerts attached to an open
// incident refresh its card AttachCardDelay later, and every attach in
// between joins that one edit (a declaration's jobs are due at once). Only
// a commit that enqueued a job due at once wakes the outbox worker.
func TestAttachedAlertsShareOneDelayedCardEdit(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	f.handle(t, firing("a", "g", "alertname", "Down"))
	declared := testkit.ClaimAll(t, f.ctx, f.store, f.clock.Now())
	if len(declared) == 0 {
		t.Fatal("declaring wrote no job due at once")
	}
	pokes := f.pokes.Load()
	if pokes == 0 {
		t.Fatal("declaring did not wake the outbox worker")
	}
	declaredAt := f.clock.Now()
	f.clock.Advance(time.Minute)
	for _, fp := range []string{"b", "c", "d"} {
		f.handle(t, firing(fp, "g", "alertname", "Down"))
	}
	if n := f.pokes.Load() - pokes; n != 0 {
		t.Errorf("attaching woke the outbox worker %d times; nothing was due", n)
	}
	if due := testkit.ClaimAll(t, f.ctx, f.store, f.clock.Now()); len(due) != 0 {
		t.Fatalf("attaching wrote %d jobs due at once: %+v", len(due), due)
	}
	cards := testkit.ClaimAll(t, f.ctx, f.store, f.clock.At(bot.AttachCardDelay))
	if len(cards) != 1 || cards[0].Kind != bot.JobKindOf("console", bot.EffectCard) {
		t.Fatalf("after the delay: %+v, want one console card job", cards)
	}
	// The group is written when it takes its incident, not per attach.
	stored, err := f.store.Alerts(f.ctx, bot.AlertFilter{Limit: 1})
	if err != nil || len(stored) != 1 {
		t.Fatalf("alerts %v, %v", stored, err)
	}
	if g, err := f.store.StoredAlertGroup(f.ctx, stored[0].GroupKey); err != nil || g.Incident != cards[0].Incident || !g.UpdatedAt.Equal(declaredAt) {
		t.Errorf("group %+v (%v), want incident %d taken at %v", g, err, cards[0].Incident, declaredAt)
	}
}
