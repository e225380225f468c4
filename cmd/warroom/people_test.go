package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord"
)

// TestDiscordUserIsTheSamePerson: Discord gives no e-mail address, so the
// people map names the person behind a Discord user; an access list naming
// dave@example.com (as a console sign-in would) then covers his Discord
// account, and nobody else's.
func TestDiscordUserIsTheSamePerson(t *testing.T) {
	r, _, _ := oncallApp(t, newPDREST(t), "access: {close: [dave@example.com]}\n")
	ctx := context.Background()
	svc := r.app.svc
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, bot.Cause{}, inc.Number, "U0ALICE", "fixed"); err != nil {
		t.Fatal(err)
	}
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	slash := func(user, id string) {
		t.Helper()
		in, _ := json.Marshal(map[string]any{"id": id, "application_id": "800000000000000001", "type": 2, "token": "tok",
			"channel_id": "700000000000000010", "member": map[string]any{"user": map[string]any{"id": user}},
			"data": map[string]any{"id": "900000000000000001", "name": "incident", "type": 1, "options": []any{
				map[string]any{"name": "close", "type": 1, "options": []any{map[string]any{"name": "incident", "type": 3, "value": inc.Key()}}}}}})
		ts := time.Now().Unix()
		req, _ := http.NewRequest(http.MethodPost, r.url+"/discord/interactions", bytes.NewReader(in))
		req.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Signature-Ed25519", discord.Sign(priv, ts, in))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/incident close: %d", res.StatusCode)
		}
	}
	status := func() bot.Status {
		got, err := svc.Get(ctx, inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	slash("100000000000000099", "500000000000000001") // not in the people map
	if s := status(); s != bot.StatusResolved {
		t.Fatalf("an unknown Discord user closed it: %s", s)
	}
	slash("100000000000000044", "500000000000000002") // dave@example.com
	if s := status(); s != bot.StatusClosed {
		t.Fatalf("dave on Discord could not close it: %s", s)
	}
}
