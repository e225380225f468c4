package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"github.com/warroom/warroom/internal/testkit"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/discord"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/storage/sqlite"
)

const (
	appID    = "800000000000000001"
	guildID  = "700000000000000001"
	forumID  = "700000000000000010"
	parentID = "700000000000000020"
	announce = "700000000000000030"
	roleID   = "700000000000000040"
	alice    = "100000000000000001"
	bob      = "100000000000000002"
)

// The application's key pair: tests sign as Discord does.
var priv = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func publicKey() string { return hex.EncodeToString(priv.Public().(ed25519.PublicKey)) }

// stack is warroom with Discord as its chat target, over SQLite and the
// fake Discord REST API.
type stack struct {
	t       testing.TB
	svc     *bot.Service
	store   *sqlite.Store
	app     *discord.Discord
	worker  *outbox.Worker
	fake    *discordtest.Server
	handler http.Handler
	seq     int
}

type options struct {
	interval time.Duration // EditInterval; 0: none
	budget   time.Duration // ReplyBudget
	now      func() time.Time
	pager    commands.Pager
	alerts   bot.AlertConfig
	noGuild  bool          // discord.guild unset: the server is learned from the channels
	timeout  time.Duration // one REST call's; 0: the default
	catalog  bool          // the incident types and custom fields of testkit.Catalog
	// Replicas: path is the SQLite file to share (opened with a store of
	// the stack's own), pg a store to build the Service on instead, fake
	// the Discord to share; each nil or "" for a stack of its own.
	path string
	pg   bot.Store
	fake *discordtest.Server
}

func newStack(t testing.TB, o options) *stack {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	cfg := bot.Config{Targets: []string{discord.Platform}, PublicURL: "https://warroom.example.com", Now: o.now, Alerts: o.alerts}
	if o.catalog {
		cat := testkit.Catalog()
		cfg.Types, cfg.Fields = cat.Types, cat.Fields
	}
	var (
		store *sqlite.Store // nil on PostgreSQL
		svc   *bot.Service
		bs    bot.Store
	)
	if o.pg != nil {
		svc, bs = testkit.ServiceOn(t, o.pg, testkit.WithLog(log), testkit.WithConfig(cfg)), o.pg
	} else {
		kit := testkit.NewService(t, testkit.WithLog(log), testkit.WithConfig(cfg), testkit.WithPath(o.path))
		store, svc, bs = kit.Store, kit.Svc, kit.Store
	}
	router, err := commands.New(svc, commands.Config{Pager: o.pager}, log)
	if err != nil {
		t.Fatal(err)
	}
	fake := o.fake
	if fake == nil {
		fake = discordtest.New()
		t.Cleanup(fake.Close)
		t.Cleanup(fake.Release)
		if o.now != nil {
			fake.SetClock(o.now)
		}
		fake.AddChannel(forumID, "incidents", 15)
		fake.AddChannel(parentID, "incident-threads", 0)
		fake.AddChannel(announce, "announcements", 0)
	}
	w := outbox.New(outbox.Config{Owner: "test", BaseDelay: 10 * time.Millisecond, Poll: 10 * time.Millisecond, Now: o.now}, bs, log)
	interval := o.interval
	if interval == 0 {
		interval = -1
	}
	guild := guildID
	if o.noGuild {
		guild = ""
	}
	var hc *http.Client
	if o.timeout > 0 {
		hc = &http.Client{Timeout: o.timeout}
	}
	app, err := discord.New(discord.Config{
		BotToken: discordtest.Token, PublicKey: publicKey(), AppID: appID, APIURL: fake.APIURL(), HTTPClient: hc,
		Guild: guild, Forum: forumID, Parent: parentID, Announce: announce, ResponderRoles: []string{roleID},
		EditInterval: interval, ReplyBudget: o.budget, Poke: w.Poke, Now: o.now,
	}, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for kind, h := range app.Handlers() {
		w.Handle(kind, h)
	}
	mux := http.NewServeMux()
	app.Register(mux)
	t.Cleanup(app.Wait)
	return &stack{t: t, svc: svc, store: store, app: app, worker: w, fake: fake, handler: mux}
}

// drain delivers every job that is due now, until none is left.
func (s *stack) drain() {
	s.t.Helper()
	for range 100 {
		n, err := s.worker.RunOnce(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	s.t.Fatal("outbox never drained")
}

// signed builds an interaction request signed as Discord signs it, at ts.
func signed(body []byte, ts time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("X-Signature-Ed25519", discord.Sign(priv, ts.Unix(), body))
	return r
}

func (s *stack) do(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	return rec
}

// response is Discord's view of an interaction's answer.
type response struct {
	Type int `json:"type"`
	Data struct {
		Content  string            `json:"content"`
		Flags    int               `json:"flags"`
		CustomID string            `json:"custom_id"`
		Embeds   []json.RawMessage `json:"embeds"`
		Mentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
				Value    string `json:"value"`
			} `json:"components"`
		} `json:"components"`
	} `json:"data"`
}

// interact sends an interaction as user in channel and returns the answer.
// typ is the interaction type, data its data.
func (s *stack) interact(user, channel string, typ int, data any) response {
	s.t.Helper()
	var r response
	if b := s.interactRaw(user, channel, typ, data); json.Unmarshal(b, &r) != nil {
		s.t.Fatalf("interaction answer %s", b)
	}
	return r
}

// interactRaw is interact, returning the answer's body as Discord reads it.
func (s *stack) interactRaw(user, channel string, typ int, data any) []byte {
	s.t.Helper()
	s.seq++
	in := map[string]any{
		"id": strconv.Itoa(500000000000000000 + s.seq), "application_id": appID, "type": typ, "token": "itoken" + strconv.Itoa(s.seq),
		"guild_id": guildID, "channel_id": channel, "data": data, "version": 1,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "u" + user[len(user)-2:]}},
	}
	b, err := json.Marshal(in)
	if err != nil {
		s.t.Fatal(err)
	}
	rec := s.do(signed(b, time.Now()))
	if rec.Code != http.StatusOK {
		s.t.Fatalf("interaction: status %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// slash types /incident SUB with options (name → value) as user in channel.
func (s *stack) slash(user, channel, sub string, opts map[string]any) response {
	s.t.Helper()
	var o []map[string]any
	for k, v := range opts {
		typ := 3
		switch v.(type) {
		case bool:
			typ = 5
		case int:
			typ = 4
		}
		o = append(o, map[string]any{"name": k, "type": typ, "value": v})
	}
	return s.interact(user, channel, 2, map[string]any{"id": "1", "name": "incident", "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": o}}})
}

// click clicks the button of message m labelled label.
func (s *stack) click(user string, m discordtest.Message, label string) response {
	s.t.Helper()
	var rows []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	if err := json.Unmarshal(m.Components, &rows); err != nil {
		s.t.Fatalf("components %s: %v", m.Components, err)
	}
	for _, r := range rows {
		for _, b := range r.Components {
			if b.Label == label {
				return s.interact(user, m.ChannelID, 3, map[string]any{"custom_id": b.CustomID, "component_type": 2})
			}
		}
	}
	s.t.Fatalf("no button %q on %s", label, m.Components)
	return response{}
}

// submit submits modal id with its text inputs (custom id → value).
func (s *stack) submit(user, channel, id string, values map[string]string) response {
	s.t.Helper()
	var rows []map[string]any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []map[string]any{{"type": 4, "custom_id": k, "value": v}}})
	}
	return s.interact(user, channel, 5, map[string]any{"custom_id": id, "components": rows})
}

// room returns the room's channel id of incident n.
func (s *stack) room(n int64) string {
	s.t.Helper()
	inc, err := s.svc.Get(context.Background(), n)
	if err != nil {
		s.t.Fatal(err)
	}
	if inc.Channels[discord.Platform] == "" {
		s.t.Fatalf("%s has no Discord room", inc.Key())
	}
	return inc.Channels[discord.Platform]
}
