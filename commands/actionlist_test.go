package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/commands"
)

func TestActionListAcrossIncidents(t *testing.T) {
	e := newEnv(t, commands.Config{})
	a, b := e.declare("Disk full"), e.declare("Checkout down")
	e.must("action add " + a.Key() + " Add disk alerts @alice due:today")
	e.must("action add " + b.Key() + " Canary deploys @alice due:+3d --kind preventive")
	e.must("action add " + b.Key() + " Runbook @bob due:today")
	e.must("close " + a.Key()) // reminders and lists outlive the incident
	e.clock.Advance(13 * time.Hour)

	tests := []struct {
		cmd  string
		want []string
		not  []string
	}{
		{"action list --mine", []string{"Your action items (2)", "INC-1", "Add disk alerts", "Canary deploys"}, []string{"Runbook"}},
		{"action list --overdue", []string{"Overdue action items (2)", "Add disk alerts", "Runbook", "OVERDUE"}, []string{"Canary"}},
		{"action list --mine --overdue", []string{"Your overdue action items (1)", "Add disk alerts"}, []string{"Runbook", "Canary"}},
		{"action list", []string{"Action items (3)"}, nil},
	}
	for _, tc := range tests {
		rep := e.must(tc.cmd)
		for _, w := range tc.want {
			if !strings.Contains(rep.Text, w) {
				t.Errorf("%s: %q missing from\n%s", tc.cmd, w, rep.Text)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(rep.Text, n) {
				t.Errorf("%s: %q should not be in\n%s", tc.cmd, n, rep.Text)
			}
		}
	}
	if rep := e.must("action list " + b.Key()); !strings.HasPrefix(rep.Text, "Action items of INC-2") {
		t.Errorf("per-incident list = %q", rep.Text)
	}
	if _, err := e.run("action list extra words"); err == nil {
		t.Error("action list accepted text")
	}
}
