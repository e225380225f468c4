package discord_test

import (
	"testing"

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
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := discord.DecodeInteraction(b)
		if err != nil {
			return
		}
		if in.Type != 1 && (in.ID == "" || in.Token == "" || in.Data == nil) {
			t.Errorf("accepted %s", b)
		}
	})
}
