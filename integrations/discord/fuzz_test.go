package discord_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/integrations/discord"
)

// FuzzDecodeInteraction: the decoder never panics, and what it accepts
// names an id, a token and a user (or is a PING).
func FuzzDecodeInteraction(f *testing.F) {
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"id":"1","type":2,"token":"t","member":{"user":{"id":"1"}},"data":{"name":"incident","options":[{"name":"ack","type":1}]}}`))
	f.Add([]byte(`{"id":"1","type":3,"token":"t","user":{"id":"1"},"data":{"custom_id":"warroom|ack INC-1","component_type":2}}`))
	f.Add([]byte(`{"id":"1","type":5,"token":"t","user":{"id":"1"},"data":{"custom_id":"warroom_update|INC-1","components":[{"type":1,"components":[{"type":4,"custom_id":"text","value":"x"}]}]}}`))
	f.Add([]byte(`{"id":"1","type":2,"token":"t","user":{"id":"1"},"data":{"options":[{"name":"x","type":3,"value":{}}]}}`))
	f.Add([]byte(`{"id":"1","type":5,"token":"t","user":{"id":"1"},"data":{"custom_id":"warroom_declare","components":[` +
		`{"type":18,"id":1,"component":{"type":4,"custom_id":"title","value":"x"}},` +
		`{"type":18,"id":2,"component":{"type":3,"custom_id":"severity","values":["sev1","sev2"]}}]}}`))
	f.Add([]byte(`{"id":"1","type":5,"token":"t","user":{"id":"1"},"data":{"custom_id":"warroom_update|INC-1","components":[` +
		`{"type":18,"component":{"type":18,"component":{"type":3,"custom_id":"status","values":[]}}},{"type":99}]}}`))
	f.Add([]byte(`{"id":"1","type":5,"token":"t","user":{"id":"1"},"data":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := discord.DecodeInteraction(b)
		if err != nil {
			return
		}
		if in.Type != 1 && (in.ID == "" || in.Token == "" || in.Data == nil) {
			t.Errorf("accepted %s", b)
		}
		if in.Type == discordgo.InteractionModalSubmit {
			text, err := discord.Submission(in.ModalSubmitData())
			if err == nil && !strings.HasPrefix(text, "declare") && !strings.HasPrefix(text, "update") && !strings.HasPrefix(text, "resolve") {
				t.Errorf("submission %s became %q", b, text)
			}
		}
	})
}
