package bot_test

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestRoute(t *testing.T) {
	routes := []bot.Route{
		{Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}, {Name: "env", Op: "=~", Value: "prod.*"}},
			GroupBy: []string{"cluster", "alertname"}, Severity: bot.SEV1, Service: "database", Channel: "db-oncall", AutoDeclare: true, AutoResolve: true},
		{Name: "noisy", Matchers: []bot.Matcher{{Name: "severity", Op: "!~", Value: "critical|error"}}},
		{Name: "web", Matchers: []bot.Matcher{{Name: "team", Op: "!=", Value: ""}}, AutoDeclare: true, ReopenWindow: time.Hour},
	}
	f := newAlertFixture(t, bot.AlertConfig{Routes: routes})
	tests := []struct {
		name  string
		alert bot.Alert
		route string
		group string
		sev   bot.Severity
		svc   string
		auto  bool
	}{
		{"first match wins", firing("1", "am", "team", "db", "env", "prod-eu", "cluster", "c1", "alertname", "Lag", "severity", "error"),
			"db", "db:alertname=Lag,cluster=c1", bot.SEV1, "database", true},
		{"regexp is anchored", firing("2", "am", "team", "db", "env", "preprod", "severity", "critical"),
			"web", "alertmanager:am", bot.SEV2, "", true},
		{"negative regexp", firing("3", "am", "team", "web", "severity", "warning"),
			"noisy", "alertmanager:am", bot.SEV4, "", false},
		{"missing label is empty", firing("4", "", "alertname", "X", "service", "api", "severity", "critical"),
			"default", "alertname=X,service=api", bot.SEV2, "api", true},
		{"severity label mapping", firing("5", "", "team", "web", "severity", "error"),
			"web", "alertname=,service=", bot.SEV3, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := f.svc.Route([]bot.Alert{tt.alert})[0]
			if d.Route != tt.route || d.GroupKey != tt.group || d.Severity != tt.sev || d.Service != tt.svc || d.AutoDeclare != tt.auto {
				t.Errorf("Route = %+v\nwant route %s group %q %s service %q auto %v", d, tt.route, tt.group, tt.sev, tt.svc, tt.auto)
			}
		})
	}
}

func TestRoutesAreChecked(t *testing.T) {
	for name, r := range map[string]bot.Route{
		"bad regexp":   {Name: "x", Matchers: []bot.Matcher{{Name: "a", Op: "=~", Value: "("}}},
		"bad operator": {Name: "x", Matchers: []bot.Matcher{{Name: "a", Op: "~", Value: "b"}}},
		"bad group_by": {Name: "x", GroupBy: []string{"not-a-label"}},
		"bad severity": {Name: "x", Severity: 7},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := bot.NewService(bot.Config{Alerts: bot.AlertConfig{Routes: []bot.Route{r}}}, newAlertFixture(t, bot.AlertConfig{}).store, nil); err == nil {
				t.Error("NewService accepted an invalid route")
			}
		})
	}
}

func TestExplain(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{Routes: []bot.Route{
		{Name: "quiet", Matchers: []bot.Matcher{{Name: "severity", Op: "=", Value: "info"}}},
	}})
	open := firing("o", "g-open", "alertname", "Open")
	f.handle(t, open)
	if _, err := f.svc.Maintenance().Start(f.ctx, bot.MaintenanceWindow{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}, EndsAt: f.clock.At(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	more := firing("o2", "g-open", "alertname", "Open")
	fresh := firing("n1", "g-new", "alertname", "New")
	fresh2 := firing("n2", "g-new", "alertname", "New")
	ds, err := f.svc.Explain(f.ctx, []bot.Alert{open, more, fresh, fresh2, firing("m", "g", "service", "db"),
		firing("i", "g", "severity", "info"), resolved(open)})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		action string
		inc    int64
	}{
		{bot.ActionDuplicate, 1}, {bot.ActionAttach, 1}, {bot.ActionDeclare, 0}, {bot.ActionAttach, 0},
		{bot.ActionSuppressed, 0}, {bot.ActionRecord, 0}, {bot.ActionResolve, 1},
	}
	for i, w := range want {
		if ds[i].Action != w.action || ds[i].Incident != w.inc {
			t.Errorf("alert %d: %s %d (%s), want %s %d", i, ds[i].Action, ds[i].Incident, ds[i].Reason, w.action, w.inc)
		}
	}
	if n := len(f.incidents(t)); n != 1 {
		t.Errorf("Explain wrote: %d incidents", n)
	}
}

func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{"service=payments", "env!=dev", `alertname=~"Disk.*"`, "team!~ops|sre", "a=", `a="b c"`, "a=~(", "=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := bot.ParseMatcher(s)
		if err != nil {
			if bot.ErrorCode(err) != bot.CodeInvalid {
				t.Fatalf("ParseMatcher(%q) error %v is not invalid", s, err)
			}
			return
		}
		again, err := bot.ParseMatcher(m.String())
		if err != nil || !again.Equal(m) {
			t.Fatalf("ParseMatcher(%q) = %+v; its String %q reads back as %+v, %v", s, m, m.String(), again, err)
		}
		_ = m.Matches(map[string]string{m.Name: m.Value})
	})
}
