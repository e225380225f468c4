package discord_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

// modalAnswer is a modal answer as Discord's docs lay it out: fields in
// Labels (type 18), each holding a text input (4) or a string select (3).
type modalAnswer struct {
	Type int `json:"type"`
	Data struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Type      int    `json:"type"`
			Label     string `json:"label"`
			Component struct {
				Type      int    `json:"type"`
				CustomID  string `json:"custom_id"`
				MinValues *int   `json:"min_values"`
				MaxValues *int   `json:"max_values"`
				Options   []struct {
					Label, Value string
					Default      bool
				} `json:"options"`
			} `json:"component"`
		} `json:"components"`
	} `json:"data"`
}

// TestDeclareFormSeveritySelect: /incident declare with no options opens
// a modal whose severity is a string select of SEV1…SEV4 (SEV3 chosen at
// first) inside a Label, and a submission in that layout declares with
// the chosen severity.
func TestDeclareFormSeveritySelect(t *testing.T) {
	s := newStack(t, options{})
	var m modalAnswer
	if err := json.Unmarshal(s.interactRaw(alice, parentID, 2, map[string]any{"id": "1", "name": "incident", "type": 1,
		"options": []map[string]any{{"name": "declare", "type": 1}}}), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != 9 || m.Data.CustomID != "warroom_declare" || len(m.Data.Components) != 4 {
		t.Fatalf("declare form = %+v", m)
	}
	var sel bool
	for _, f := range m.Data.Components {
		if f.Type != 18 || f.Label == "" || f.Component.CustomID == "" {
			t.Errorf("a field is not a Label holding a component: %+v", f)
		}
		if f.Component.CustomID != "severity" {
			if f.Component.Type != 4 {
				t.Errorf("field %s is type %d, want a text input", f.Component.CustomID, f.Component.Type)
			}
			continue
		}
		sel = true
		var values, chosen []string
		for _, o := range f.Component.Options {
			values = append(values, o.Value)
			if o.Default {
				chosen = append(chosen, o.Value)
			}
		}
		if f.Component.Type != 3 || strings.Join(values, ",") != "sev1,sev2,sev3,sev4" || strings.Join(chosen, ",") != "sev3" ||
			f.Component.MaxValues == nil || *f.Component.MaxValues != 1 {
			t.Errorf("severity field = %+v", f.Component)
		}
	}
	if !sel {
		t.Fatal("no severity select")
	}

	r := s.interact(alice, parentID, 5, map[string]any{"custom_id": "warroom_declare", "components": []map[string]any{
		{"type": 18, "id": 1, "component": map[string]any{"type": 4, "id": 2, "custom_id": "title", "value": "Payments down"}},
		{"type": 18, "id": 3, "component": map[string]any{"type": 3, "id": 4, "custom_id": "severity", "values": []string{"sev1"}}},
		{"type": 18, "id": 5, "component": map[string]any{"type": 4, "id": 6, "custom_id": "service", "value": "payments"}},
		{"type": 18, "id": 7, "component": map[string]any{"type": 4, "id": 8, "custom_id": "summary", "value": ""}},
	}})
	if r.Data.Flags&64 != 0 {
		t.Fatalf("submission refused: %+v", r)
	}
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Severity != bot.SEV1 || inc.Title != "Payments down" || inc.Service != "payments" {
		t.Errorf("declared %s %q service %q", inc.Severity, inc.Title, inc.Service)
	}
}

// TestModalSubmissionOddities: a select value that is no severity (a
// crafted one that would read as a flag or a key included) is refused with
// a reply to the person alone and declares nothing; an
// update form whose status select was left empty posts the update and
// keeps the status.
func TestModalSubmissionOddities(t *testing.T) {
	s := newStack(t, options{})
	for _, bad := range []string{"sev9", "--private", "INC-1"} {
		r := s.interact(alice, parentID, 5, map[string]any{"custom_id": "warroom_declare", "components": []map[string]any{
			{"type": 18, "component": map[string]any{"type": 4, "custom_id": "title", "value": "Bad severity"}},
			{"type": 18, "component": map[string]any{"type": 3, "custom_id": "severity", "values": []string{bad}}},
		}})
		if r.Data.Flags&64 == 0 || !strings.Contains(r.Data.Content, "severity") {
			t.Errorf("severity %q accepted: %+v", bad, r)
		}
	}
	if _, err := s.svc.Get(context.Background(), 1); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Fatalf("an incident was declared: %v", err)
	}

	s.slash(alice, parentID, "declare", map[string]any{"title": "Keep status"})
	s.slash(alice, parentID, "status", map[string]any{"incident": "INC-1", "status": "identified"})
	r := s.interact(alice, parentID, 5, map[string]any{"custom_id": "warroom_update|INC-1", "components": []map[string]any{
		{"type": 18, "component": map[string]any{"type": 3, "custom_id": "status", "values": []string{}}},
		{"type": 18, "component": map[string]any{"type": 4, "custom_id": "text", "value": "Rolled back"}},
	}})
	if r.Data.Flags&64 != 0 {
		t.Fatalf("update refused: %+v", r)
	}
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != bot.StatusIdentified {
		t.Errorf("status %s, want identified kept", inc.Status)
	}
}
