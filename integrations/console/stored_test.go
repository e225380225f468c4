package console

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// A stored message reads back as the message posted; a text file is kept
// as text, and messages stored before (files in base64) still read.
func TestStoredMessageRoundTrip(t *testing.T) {
	inc := &bot.Incident{Number: 7, Title: "Checkout latency above SLO", Severity: bot.SEV2, Status: bot.StatusResolved,
		DeclaredAt: time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)}
	draft := "# Postmortem: INC-7 Checkout latency above SLO\n\n## Summary\n\nTODO: what happened.\n"
	pm := bot.PostmortemMessage(inc, draft, "https://warroom.example.com")
	chart := bot.Message{Title: "Digest", Attachments: []bot.Attachment{{Name: "digest.png", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G', 0, 0xff}}}}
	for name, m := range map[string]bot.Message{"postmortem": pm, "chart": chart, "card": bot.Card(inc, "")} {
		t.Run(name, func(t *testing.T) {
			b, err := encodeMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeMessage(b)
			if err != nil || !reflect.DeepEqual(got, m) {
				t.Errorf("read back %+v, %v; want %+v", got, err, m)
			}
			old, _ := json.Marshal(m)
			if got, err := decodeMessage(old); err != nil || !reflect.DeepEqual(got, m) {
				t.Errorf("the earlier form read back %+v, %v; want %+v", got, err, m)
			}
		})
	}
	b, _ := encodeMessage(pm)
	if strings.Count(string(b), "TODO: what happened.") != 2 {
		t.Errorf("the draft's file is not kept as text: %s", b)
	}
}
