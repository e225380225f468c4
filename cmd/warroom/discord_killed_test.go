package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/discord/discordtest"
)

// TestBinaryKilledMidDiscordCallDeliversOnce runs the built binary against
// the fake Discord, which does the work of a call (opens the forum post
// with its card, or posts the announcement) and holds its answer; the test
// kills the process with SIGKILL while the call is in flight, starts it
// again on the same database, and finds one room, one card and one
// announcement once the new process has taken the job over after its
// lease.
func TestBinaryKilledMidDiscordCallDeliversOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const forum, announce = "700000000000000010", "700000000000000030"
	bin := warroomBinary(t)
	for _, c := range []struct{ name, match string }{
		{"forum post", "POST /channels/" + forum + "/threads"},
		{"announcement", "POST /channels/" + announce + "/messages"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake := discordtest.New()
			t.Cleanup(fake.Close)
			t.Cleanup(fake.Release)
			fake.AddChannel(forum, "incidents", 15)
			fake.AddChannel(announce, "announcements", 0)
			fake.Inject(c.match, discordtest.WorkThenHang, 1)
			priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize))
			dir := t.TempDir()
			cfg := filepath.Join(dir, "warroom.yaml")
			yaml := "outbox:\n  lease: 3s\ndiscord:\n  forum_channel: \"" + forum + "\"\n  announce_channel: \"" + announce + "\"\n"
			if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			env := []string{"WARROOM_CONFIG=" + cfg, "DISCORD_BOT_TOKEN=" + discordtest.Token,
				"DISCORD_PUBLIC_KEY=" + hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
				"DISCORD_APP_ID=800000000000000001", "DISCORD_API_URL=" + fake.APIURL()}

			p := serveWith(t, bin, dir, env...)
			discordDeclare(t, p.url, priv, "Killed mid call")
			waitFor(t, 20*time.Second, func() bool { return fake.Held() > 0 }, "the call to be in flight")
			if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: nothing is recorded
				t.Fatal(err)
			}
			<-p.exited
			fake.Release()

			p = serveWith(t, bin, dir, env...)
			defer p.stop(t, shutdownLimit)
			waitFor(t, 30*time.Second, func() bool {
				posts := fake.Threads(forum)
				return len(posts) > 0 && len(fake.Messages(announce)) > 0 && len(fake.Messages(posts[0].ID)) > 0
			}, "the forum post and the announcement")

			posts := fake.Threads(forum)
			if len(posts) != 1 {
				for _, c := range fake.Calls() {
					t.Logf("%s %s %d", c.Method, c.Path, c.Status)
				}
				t.Fatalf("the bot opened %d forum posts, want 1: %+v", len(posts), posts)
			}
			cards := 0
			for _, m := range fake.Messages(posts[0].ID) {
				if strings.Contains(string(m.Embeds), "Killed mid call") {
					cards++
				}
			}
			if cards != 1 {
				t.Errorf("%d cards, want 1", cards)
			}
			if n := len(fake.Messages(announce)); n != 1 {
				t.Errorf("%d announcements, want 1", n)
			}
		})
	}
}

// discordDeclare sends /incident declare title, signed as Discord signs it.
func discordDeclare(t *testing.T, base string, priv ed25519.PrivateKey, title string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"id": "500000000000000001", "application_id": "800000000000000001", "type": 2,
		"token": "tok", "channel_id": "700000000000000099", "member": map[string]any{"user": map[string]any{"id": "100000000000000001"}},
		"data": map[string]any{"id": "1", "name": "incident", "type": 1, "options": []map[string]any{{"name": "declare", "type": 1,
			"options": []map[string]any{{"name": "title", "type": 3, "value": title}}}}}})
	ts := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Signature-Ed25519", discord.Sign(priv, ts, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/incident declare: %d", res.StatusCode)
	}
}
