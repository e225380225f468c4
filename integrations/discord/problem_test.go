package discord_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/internal/testkit"
)

// problemCmd types /problem SUB, or /problem GROUP SUB, with options.
func (s *stack) problemCmd(user, group, sub string, opts map[string]any) response {
	s.t.Helper()
	var o []map[string]any
	for k, v := range opts {
		typ := 3
		switch v.(type) {
		case int:
			typ = 4
		case bool:
			typ = 5
		}
		o = append(o, map[string]any{"name": k, "type": typ, "value": v})
	}
	top := map[string]any{"name": sub, "type": 1, "options": o}
	if group != "" {
		top = map[string]any{"name": group, "type": 2, "options": []map[string]any{top}}
	}
	return s.interact(user, parentID, 2, map[string]any{"id": "2", "name": "problem", "type": 1, "options": []map[string]any{top}})
}

// TestProblemCommand: /problem with typed options runs the same commands
// as the console, and a bad key is refused before anything changes.
func TestProblemCommand(t *testing.T) {
	s := newStack(t, options{})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Disk full"})
	for _, c := range []struct {
		group, sub string
		opts       map[string]any
		want       string
	}{
		{"", "create", map[string]any{"title": "Disks fill up"}, "Recorded problem PRB-1: Disks fill up"},
		{"", "link", map[string]any{"problem": "PRB-1", "incident": "inc-1"}, "Linked INC-1 to PRB-1"},
		{"", "rootcause", map[string]any{"problem": "PRB-1", "text": "no --rotation"}, "Root cause of PRB-1 recorded"},
		{"", "status", map[string]any{"problem": "PRB-1", "status": "known-error"}, "PRB-1 is known-error"},
		{"action", "add", map[string]any{"problem": "PRB-1", "text": "Rotate logs", "kind": "preventive"}, "Added action item #1 (preventive) to PRB-1: Rotate logs"},
		{"action", "done", map[string]any{"problem": "PRB-1", "n": 1}, "Action item #1 of PRB-1 is done"},
		{"", "show", map[string]any{"problem": "PRB-1"}, "Root cause: no --rotation"},
	} {
		if got := s.problemCmd(alice, c.group, c.sub, c.opts).Data.Content; !strings.Contains(got, c.want) {
			t.Errorf("/problem %s %s: %q, want %q", c.group, c.sub, got, c.want)
		}
	}
	before, _ := s.svc.Problems().Links(context.Background(), bot.ProblemLinkFilter{})
	if got := s.problemCmd(alice, "", "unlink", map[string]any{"problem": "PRB-1", "incident": "yesterday"}).Data.Content; !strings.Contains(got, "not an incident key") {
		t.Errorf("bad key: %q", got)
	}
	if after, _ := s.svc.Problems().Links(context.Background(), bot.ProblemLinkFilter{}); len(after) != len(before) {
		t.Errorf("a refused unlink changed the links")
	}
}

// TestCommandsGolden: the application commands `warroom discord register`
// installs, /problem among them.
func TestCommandsGolden(t *testing.T) {
	b, err := json.MarshalIndent(discord.Commands(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Golden(t, filepath.Join("testdata", "commands.golden.json"), append(b, '\n'))
}
