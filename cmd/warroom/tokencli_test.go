package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	lookup := env("WARROOM_DB", db)
	code, stdout, stderr := runCLI(t, lookup, "token", "create", "ci", "--role", "responder")
	secret := strings.TrimSpace(stdout)
	if code != 0 || !strings.HasPrefix(secret, bot.TokenPrefix) || !strings.Contains(stderr, "shown only now") {
		t.Fatalf("create = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, lookup, "token", "create", "--role", "viewer", "ci"); code == 0 || !strings.Contains(stderr, "exists") {
		t.Fatalf("a second live ci = %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, lookup, "token", "create", "x", "--role", "root"); code != exitUsage {
		t.Fatalf("an unknown role = %d", code)
	}
	if code, _, _ := runCLI(t, lookup, "token", "create", "--role", "viewer", "dash", "--act-for-others"); code != 0 {
		t.Fatalf("flags around NAME = %d", code)
	}
	code, stdout, _ = runCLI(t, lookup, "token", "list")
	if code != 0 || !strings.Contains(stdout, "ci ") || !strings.Contains(stdout, "responder") || strings.Contains(stdout, secret) {
		t.Fatalf("list = %d\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "dash") || !strings.Contains(stdout, "true") {
		t.Fatalf("list misses dash:\n%s", stdout)
	}

	store := testkit.OpenStore(t, db, slog.New(slog.DiscardHandler))
	svc, err := bot.NewService(bot.Config{}, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := svc.Authenticate(context.Background(), secret)
	if err != nil || tok.Name != "ci" || tok.Role != bot.RoleResponder || tok.ActFor {
		t.Fatalf("authenticate: %+v %v", tok, err)
	}
	// ci was used just now, dash never: LAST USED shows a time and "-".
	_, stdout, _ = runCLI(t, lookup, "token", "list")
	lines := strings.Split(stdout, "\n")
	if !strings.Contains(lines[0], "LAST USED") || len(lines) < 3 {
		t.Fatalf("list:\n%s", stdout)
	}
	for _, l := range lines[1:3] {
		f := strings.Fields(l)
		used := f[len(f)-2]
		if f[0] == "ci" && !strings.HasPrefix(used, tok.LastUsedAt.Format("2006-01-02T15:04")) || f[0] == "dash" && used != "-" {
			t.Errorf("last used of %s: %q (used at %v)", f[0], used, tok.LastUsedAt)
		}
	}
	if code, stdout, _ := runCLI(t, lookup, "token", "revoke", "ci"); code != 0 || !strings.Contains(stdout, "revoked") {
		t.Fatalf("revoke = %d %s", code, stdout)
	}
	if _, err := svc.Authenticate(context.Background(), secret); bot.ErrorCode(err) != bot.CodeUnauthorized {
		t.Fatalf("a revoked token authenticates: %v", err)
	}
	if code, _, _ := runCLI(t, lookup, "token", "revoke", "ci"); code != exitNotFound {
		t.Fatalf("revoke twice = %d", code)
	}
	recs, err := svc.Audit(context.Background(), bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
	}
	if got := strings.Join(actions, ","); strings.Count(got, "token.create") != 2 || strings.Count(got, "token.revoke") != 1 {
		t.Fatalf("audit %s", got)
	}
}
