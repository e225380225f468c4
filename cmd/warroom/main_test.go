package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// env is a fake environment.
func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// writeFile writes content to a file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCLI runs the command line in process.
func runCLI(t *testing.T, lookup func(string) (string, bool), args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, lookup)
	return code, stdout.String(), stderr.String()
}

func TestCLI(t *testing.T) {
	good := writeFile(t, "good.yaml", "announce_channel: ops\n")
	bad := writeFile(t, "bad.yaml", "severities:\n  sev1: {acknowledge: 5x}\n")
	for _, tc := range []struct {
		name       string
		env        []string
		args       []string
		code       int
		stdout     string // contained in stdout
		stderr     string // contained in stderr
		notVisible string // in neither
	}{
		{name: "no command", args: nil, code: 2, stderr: "usage: warroom"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "config check"},
		{name: "version", args: []string{"version"}, code: 0, stdout: "warroom "},
		{name: "unknown command", args: []string{"deploy"}, code: 2, stderr: `unknown command "deploy"`},
		{name: "digest with a bad period", args: []string{"digest", "--period", "7x"}, code: 2, stderr: "period"},
		{name: "discord needs a subcommand", args: []string{"discord"}, code: 2, stderr: "usage: warroom discord register"},
		{name: "export needs a known format", args: []string{"export", "--format", "xls"}, code: 2, stderr: "csv, json or bundle"},
		{name: "config without check", args: []string{"config"}, code: 2, stderr: "usage: warroom config check"},
		{name: "unknown flag", args: []string{"serve", "--port", "1"}, code: 2, stderr: "flag provided but not defined"},
		{name: "config check", args: []string{"config", "check", "--config", good}, code: 0, stdout: "announce_channel: ops"},
		{name: "config flag before the command", args: []string{"--config", good, "config", "check"}, code: 0, stdout: "announce_channel: ops"},
		{
			name: "config check redacts secrets", args: []string{"config", "check"},
			env:  []string{"SLACK_BOT_TOKEN", "xoxb-s3cret", "WARROOM_DB", "postgres://u:pg-s3cret@db/warroom"},
			code: 0, stdout: "SLACK_BOT_TOKEN: <redacted>", notVisible: "s3cret",
		},
		{name: "config check names the bad key", args: []string{"config", "check", "--config", bad}, code: 1, stderr: `severities.sev1.acknowledge: invalid duration "5x"`},
		{name: "serve refuses a bad config", args: []string{"serve"}, env: []string{"WARROOM_LOG_LEVEL", "loud"}, code: 1, stderr: "WARROOM_LOG_LEVEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, env(tc.env...), tc.args...)
			if code != tc.code {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.notVisible != "" && strings.Contains(stdout+stderr, tc.notVisible) {
				t.Errorf("output shows %q:\n%s\n%s", tc.notVisible, stdout, stderr)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "warroom.db")
	for range 2 { // the second run finds nothing to do
		code, stdout, stderr := runCLI(t, env("WARROOM_DB", db), "migrate")
		if code != 0 || !strings.Contains(stdout, "schema version") {
			t.Fatalf("migrate = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
		}
	}
}
