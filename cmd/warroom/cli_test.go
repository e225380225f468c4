package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/internal/testkit"
)

// golden compares got with testdata/cli/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", "cli", name), []byte(got))
}

// TestHelpGolden: help goes to stdout with exit 0, for warroom and for
// every command, whichever way it is asked.
func TestHelpGolden(t *testing.T) {
	code, stdout, stderr := runCLI(t, env(), "--help")
	if code != 0 || stderr != "" {
		t.Fatalf("warroom --help: exit %d, stderr %q", code, stderr)
	}
	golden(t, "help.txt", stdout)
	for _, args := range [][]string{{"-h"}, {"help"}} {
		if code, out, _ := runCLI(t, env(), args...); code != 0 || out != stdout {
			t.Errorf("warroom %v: exit %d, a different help", args, code)
		}
	}
	for _, spec := range cliCommands() {
		name := spec.name
		t.Run(name, func(t *testing.T) {
			args := append(strings.Fields(name), "--help")
			code, stdout, stderr := runCLI(t, env(), args...)
			if code != 0 || stderr != "" {
				t.Fatalf("warroom %s --help: exit %d, stderr %q", name, code, stderr)
			}
			for _, section := range []string{"Usage:", "Flags:", "Exit codes:"} {
				if !strings.Contains(stdout, section) {
					t.Errorf("no %q in:\n%s", section, stdout)
				}
			}
			golden(t, "help-"+strings.ReplaceAll(name, " ", "-")+".txt", stdout)
			helpArgs := append([]string{"help"}, strings.Fields(name)...)
			if code, out, _ := runCLI(t, env(), helpArgs...); code != 0 || out != stdout {
				t.Errorf("warroom help %s: exit %d, a different help:\n%s", name, code, out)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, flagOut, _ := runCLI(t, env(), "--version")
	if code != 0 || !strings.HasPrefix(flagOut, "warroom ") {
		t.Errorf("warroom --version: exit %d, %q", code, flagOut)
	}
	code, cmdOut, _ := runCLI(t, env(), "version")
	if code != 0 || cmdOut != flagOut {
		t.Errorf("warroom version = %q, --version = %q", cmdOut, flagOut)
	}
}

// TestExitCodes: usage, not found and runtime errors are told apart, and
// commands that only read never create a database.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "missing.db")
	lookup := env("WARROOM_DB", db)
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{}, exitUsage, "usage: warroom"},
		{[]string{"deploy"}, exitUsage, `unknown command "deploy"`},
		{[]string{"--bogus"}, exitUsage, "unknown flag"},
		{[]string{"serve", "--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"postmortem"}, exitUsage, "usage: warroom postmortem"},
		{[]string{"config"}, exitUsage, "usage: warroom config check"},
		{[]string{"route", "x.json"}, exitUsage, "usage: warroom route --dry-run"},
		{[]string{"route", "--dry-run", "--source", "zabbix", "x.json"}, exitUsage, "not one of"},
		{[]string{"postmortem", "INC-1"}, exitNotFound, "no database at " + db},
		{[]string{"export"}, exitNotFound, "no database at"},
		{[]string{"digest"}, exitNotFound, "no database at"},
		{[]string{"import", filepath.Join(dir, "nothing.csv")}, exitNotFound, "no such file"},
		{[]string{"route", "--dry-run", filepath.Join(dir, "nothing.json")}, exitNotFound, "no such file"},
		{[]string{"--config", filepath.Join(dir, "broken.yaml"), "migrate"}, exitError, "invalid configuration"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, lookup, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a read-only command created %s (%v)", db, err)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, stderr := runCLI(t, env(), "completion", shell)
		if code != 0 || !strings.Contains(stdout, "warroom") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, len(stdout), stderr)
		}
	}
	code, stdout, _ := runCLI(t, env(), "__complete", "route", "--source", "")
	if code != 0 || !strings.Contains(stdout, "nagios\n") {
		t.Errorf("route --source completion: exit %d\n%s", code, stdout)
	}
}
