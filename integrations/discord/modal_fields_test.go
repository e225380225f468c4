package discord_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/internal/testkit"
)

// With types and custom fields, the declare form holds the type and the
// field required to declare; a submission without it is refused naming
// it; the resolve form asks for the field required to resolve.
func TestCatalogForms(t *testing.T) {
	s := newStack(t, options{catalog: true})
	raw := s.interactRaw(alice, parentID, 2, map[string]any{"id": "1", "name": "incident", "type": 1,
		"options": []map[string]any{{"name": "declare", "type": 1}}})
	testkit.Golden(t, filepath.Join("testdata", "modal-declare-catalog.golden.json"), indent(t, raw))

	declare := func(impact string) map[string]any {
		return map[string]any{"custom_id": "warroom_declare", "components": []map[string]any{
			{"type": 18, "component": map[string]any{"type": 4, "custom_id": "title", "value": "Keys leaked"}},
			{"type": 18, "component": map[string]any{"type": 3, "custom_id": "severity", "values": []string{"sev1"}}},
			{"type": 18, "component": map[string]any{"type": 3, "custom_id": "type", "values": []string{"security"}}},
			{"type": 18, "component": map[string]any{"type": 3, "custom_id": "field.customer_impact", "values": []string{impact}}},
		}}
	}
	r := s.interact(alice, parentID, 5, declare(""))
	if r.Data.Flags&64 == 0 || !strings.Contains(r.Data.Content, "customer_impact") {
		t.Fatalf("declare without the required field: %+v", r)
	}
	if r = s.interact(alice, parentID, 5, declare("All")); r.Data.Flags&64 != 0 {
		t.Fatalf("declare refused: %+v", r)
	}
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Type != "security" || inc.Fields["customer_impact"] != "All" || inc.Severity != bot.SEV1 {
		t.Fatalf("declared %+v", inc)
	}

	text, err := discord.Submission(discordModal("warroom_resolve|INC-1", map[string]string{"summary": "Rotated", "field.root_cause": "key in a log"}))
	if err != nil || text != `resolve INC-1 Rotated --field="root_cause=key in a log"` {
		t.Fatalf("resolve submission %s, %v", text, err)
	}
}

func TestSlashCommandsOfferCatalog(t *testing.T) {
	t.Cleanup(func() { _ = bot.SetSeverityLevels(nil) })
	if err := bot.SetSeverityLevels(map[bot.Severity]bot.SeverityLevel{1: {Name: "P1", Description: "Down"}}); err != nil {
		t.Fatal(err)
	}
	cmds := discord.Commands(testkit.Catalog().Types...)
	for _, sub := range cmds[0].Options {
		if sub.Name != "declare" {
			continue
		}
		var got []string
		for _, o := range sub.Options {
			for _, c := range o.Choices {
				got = append(got, o.Name+":"+c.Name+"="+c.Value.(string))
			}
		}
		want := "severity:P1: Down=sev1 severity:SEV2=sev2 severity:SEV3=sev3 severity:SEV4=sev4 type:default=default type:security=security"
		if strings.Join(got, " ") != want {
			t.Fatalf("declare choices %s", strings.Join(got, " "))
		}
		return
	}
	t.Fatal("no declare")
}

func indent(t *testing.T, raw []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// discordModal is a modal submission of text values, as discordgo decodes it.
func discordModal(id string, values map[string]string) discordgo.ModalSubmitInteractionData {
	data := discordgo.ModalSubmitInteractionData{CustomID: id}
	for k, v := range values {
		data.Components = append(data.Components, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return data
}

// A type's channel prefix names its incidents' rooms; other incidents
// keep INC.
func TestRoomNameTakesTheTypePrefix(t *testing.T) {
	s := newStack(t, options{catalog: true})
	ctx := context.Background()
	for _, in := range []bot.DeclareInput{
		{Title: "Leaked key", Severity: bot.SEV2, Actor: alice, Type: "security", Fields: map[string]string{"customer_impact": "None"}},
		{Title: "Slow search", Severity: bot.SEV3, Actor: alice, Fields: map[string]string{"customer_impact": "Some"}},
	} {
		if _, err := s.svc.Declare(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	s.drain()
	for n, want := range map[int64]string{1: "SEC-1 · SEV2 · Leaked key", 2: "INC-2 · SEV3 · Slow search"} {
		if room, ok := s.fake.Channel(s.room(n)); !ok || room.Name != want {
			t.Errorf("room of incident %d = %q, want %q", n, room.Name, want)
		}
	}
}
