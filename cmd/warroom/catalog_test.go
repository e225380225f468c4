package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
)

// An incident type's postmortem template drafts its incidents'
// postmortems; the others keep the default.
func TestPostmortemByType(t *testing.T) {
	cfg := config.Default()
	cfg.Types = []config.IncidentType{{Name: "default"}, {Name: "security", Postmortem: "sec.tmpl", Text: "# Security review of {{.Key}}\n"}}
	def := func(_ context.Context, inc *bot.Incident, _ []bot.Entry, _ []bot.ActionItem, _ time.Time) (string, error) {
		return "# default " + inc.Key(), nil
	}
	draft, err := postmortemByType(cfg, time.UTC, def)
	if err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[string]string{"security": "# Security review of INC-7", "default": "# default INC-7", "": "# default INC-7"} {
		got, err := draft(context.Background(), &bot.Incident{Number: 7, Type: typ}, nil, nil, time.Now())
		if err != nil || !strings.HasPrefix(got, want) {
			t.Errorf("type %q: %q, %v; want %q", typ, got, err, want)
		}
	}
	cfg.Types[1].Text = "{{.Nope}"
	if _, err := postmortemByType(cfg, time.UTC, def); err == nil || !strings.Contains(err.Error(), "incident type security") {
		t.Errorf("a broken template: %v", err)
	}
}
