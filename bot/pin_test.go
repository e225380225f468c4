package bot_test

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func TestPinMessageOnce(t *testing.T) {
	f := newFixture(t)
	inc := f.declare(t, "Checkout down")
	at := f.clock.At(-time.Minute)
	in := bot.PinInput{Platform: "slack", Channel: "C1", MessageID: "1700000000.000100", Author: "U0CAROL",
		PinnedBy: "U0BOB", Text: "root cause: bad deploy", At: at, Delivery: "slack-event:Ev1"}
	for i, want := range []bool{true, false} {
		added, err := f.svc.PinMessage(f.ctx, inc.Number, in)
		if err != nil || added != want {
			t.Fatalf("pin %d: added %v, %v; want %v", i, added, err, want)
		}
	}
	// The same message pinned through another delivery is still one entry.
	in.Delivery = "slack-event:Ev2"
	if added, err := f.svc.PinMessage(f.ctx, inc.Number, in); err != nil || added {
		t.Errorf("same message, new event: added %v, %v", added, err)
	}
	entries, err := f.svc.Timeline(f.ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	var pins []bot.Entry
	for _, e := range entries {
		if e.Kind == bot.EntryMessagePinned {
			pins = append(pins, e)
		}
	}
	if len(pins) != 1 || pins[0].Actor != "U0BOB" || pins[0].Data["author"] != "U0CAROL" || !pins[0].At.Equal(at) || pins[0].Text != "root cause: bad deploy" {
		t.Errorf("pins = %+v", pins)
	}
	if _, err := f.svc.PinMessage(f.ctx, 999, bot.PinInput{Platform: "slack", Channel: "C1", MessageID: "1.2"}); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Errorf("unknown incident: %v", err)
	}
	if _, err := f.svc.PinMessage(f.ctx, inc.Number, bot.PinInput{Platform: "slack"}); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("no message id: %v", err)
	}
}
