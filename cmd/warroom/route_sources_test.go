package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRouteEverySource: `route --dry-run` reads every receiver's payload,
// detected from its shape or named with --source.
func TestRouteEverySource(t *testing.T) {
	lookup := env("WARROOM_DB", filepath.Join(t.TempDir(), "none.db"))
	for source, file := range map[string]string{
		"alertmanager": "../../integrations/alertmanager/testdata/alertmanager-v4-firing.json",
		"grafana":      "../../integrations/grafana/testdata/grafana-firing.json",
		"nagios":       "../../integrations/nagios/testdata/nagios4-problem-env.json",
		"azure":        "../../integrations/azure/testdata/azure-metric-fired.json",
		"sns":          "../../integrations/sns/testdata/cloudwatch-alarm.json",
	} {
		t.Run(source, func(t *testing.T) {
			detected, _, stderr := runCLI(t, lookup, "route", "--dry-run", file)
			named, stdout, stderr2 := runCLI(t, lookup, "route", "--dry-run", "--source", source, file)
			if detected != 0 || named != 0 {
				t.Fatalf("detected: exit %d %s; --source %s: exit %d %s", detected, stderr, source, named, stderr2)
			}
			if !strings.Contains(stdout, "alerts") {
				t.Errorf("no routing shown:\n%s", stdout)
			}
		})
	}
	t.Run("nagios form", func(t *testing.T) {
		form := writeFile(t, "nagios.form", "notificationtype=PROBLEM&hostname=db-1&servicedesc=Disk&servicestate=CRITICAL&serviceproblemid=7&serviceoutput=97%25")
		if code, stdout, stderr := runCLI(t, lookup, "route", "--dry-run", form); code != 0 || !strings.Contains(stdout, "1 alerts") {
			t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
		}
	})
	t.Run("generic needs its mapping", func(t *testing.T) {
		file := "../../integrations/generic/testdata/uptime-down.json"
		if code, _, stderr := runCLI(t, lookup, "route", "--dry-run", "--source", "generic", file); code != exitUsage || !strings.Contains(stderr, "generic mapping") {
			t.Errorf("exit %d, %s", code, stderr)
		}
	})
	t.Run("the wrong source says so", func(t *testing.T) {
		file := "../../integrations/nagios/testdata/nagios4-problem-env.json"
		code, _, stderr := runCLI(t, lookup, "route", "--dry-run", "--source", "alertmanager", file)
		if code != exitError || !strings.Contains(stderr, "is not a alertmanager payload") {
			t.Errorf("exit %d, %s", code, stderr)
		}
	})
}
