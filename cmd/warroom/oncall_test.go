package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/internal/testkit"
)

// pdREST is a PagerDuty REST stand-in following its public docs: GET
// /services/{id} (the service and its escalation_policy reference), GET
// /oncalls (filtered by escalation_policy_ids[]), GET /users/{id}, a
// Token token= header, and 429 with Retry-After when told.
type pdREST struct {
	srv *httptest.Server

	mu      sync.Mutex
	limited bool // answer every request 429
	asked   []string
}

func newPDREST(t *testing.T) *pdREST {
	f := &pdREST{}
	users := map[string]string{"PERIN": "erin@example.com", "PDAVE": "Dave@Example.com"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /services/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "PSVCPAY" {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"message":"Not Found","code":2100}}`))
			return
		}
		_, _ = w.Write([]byte(`{"service":{"id":"PSVCPAY","type":"service","escalation_policy":{"id":"PEPPAY","type":"escalation_policy_reference"}}}`))
	})
	mux.HandleFunc("GET /oncalls", func(w http.ResponseWriter, r *http.Request) {
		var out []map[string]any
		if r.URL.Query().Get("escalation_policy_ids[]") == "PEPPAY" {
			for _, u := range []string{"PERIN", "PDAVE"} {
				out = append(out, map[string]any{"user": map[string]any{"id": u, "type": "user_reference"},
					"escalation_policy": map[string]any{"id": "PEPPAY"}, "escalation_level": 1})
			}
			out = append(out, map[string]any{"user": map[string]any{"id": "PBOSS", "type": "user_reference"},
				"escalation_policy": map[string]any{"id": "PEPPAY"}, "escalation_level": 2})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"oncalls": out, "limit": 100, "offset": 0, "more": false})
	})
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"user": map[string]any{"id": r.PathValue("id"), "type": "user", "email": users[r.PathValue("id")]}})
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		f.mu.Lock()
		f.asked = append(f.asked, r.URL.Path)
		limited := f.limited
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Token token=tok" {
			w.WriteHeader(401)
			_, _ = w.Write([]byte(`{"error":{"message":"Unauthorized","code":2006}}`))
			return
		}
		if limited {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(429)
			_, _ = w.Write([]byte(`{"error":{"message":"Rate Limit Exceeded","code":2020}}`))
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// oncallApp runs warroom with Slack, Discord and PagerDuty's REST API,
// the payments service mapped to its PagerDuty service and Dave (who has
// no Slack account) mapped to his Discord user.
func oncallApp(t *testing.T, pd *pdREST, more ...string) (*running, *slacktest.Server, *discordtest.Server) {
	sfake := slacktest.New()
	t.Cleanup(sfake.Close)
	sfake.SetEmail("U0ERIN", "erin@example.com")
	dfake := discordtest.New()
	t.Cleanup(dfake.Close)
	dfake.AddChannel("700000000000000010", "incidents", 15)
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	file := filepath.Join(t.TempDir(), "warroom.yaml")
	yaml := `discord: {guild: "700000000000000001", forum_channel: "700000000000000010"}
pagerduty: {service_ids: {payments: PSVCPAY}}
people:
  - {email: dave@example.com, discord: "100000000000000044"}
`
	if err := os.WriteFile(file, []byte(yaml+strings.Join(more, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startApp(t, "WARROOM_CONFIG", file, "PAGERDUTY_TOKEN", "tok", "PAGERDUTY_API_URL", pd.srv.URL,
		"SLACK_BOT_TOKEN", slacktest.Token, "SLACK_SIGNING_SECRET", "s", "SLACK_API_URL", sfake.APIURL(),
		"DISCORD_BOT_TOKEN", discordtest.Token, "DISCORD_PUBLIC_KEY", hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
		"DISCORD_APP_ID", "800000000000000001", "DISCORD_API_URL", dfake.APIURL())
	return r, sfake, dfake
}

// escalateSEV1 declares an unacknowledged payments SEV1 and lets its first
// escalation level fire.
func escalateSEV1(t *testing.T, r *running) *bot.Incident {
	ctx := context.Background()
	svc := r.app.svc
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV1, Service: "payments", Actor: "U0ALICE", Commander: "U0CAROL"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.ArmTimers(ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	if n, err := svc.Escalate(ctx, time.Now().Add(r.app.cfg.SLAs[bot.SEV1].Acknowledge*3/2), 0); err != nil || n != 1 {
		t.Fatalf("escalated %d, %v", n, err)
	}
	r.app.worker.Poke()
	return inc
}

// TestEscalationMentionsTheOnCall: an unacknowledged SEV1 of payments
// escalates with a message that mentions, for real, the commander and who
// PagerDuty has on call at the first level of the service's escalation
// policy: on Slack found by e-mail (users.lookupByEmail), on Discord
// through the people map.
func TestEscalationMentionsTheOnCall(t *testing.T) {
	pd := newPDREST(t)
	r, sfake, dfake := oncallApp(t, pd)
	escalateSEV1(t, r)

	testkit.Eventually(t, "the Slack escalation names the commander and the on-call", func() bool {
		ch, ok := sfake.ChannelByName("inc-1-checkout-down")
		if !ok {
			return false
		}
		for _, m := range sfake.Messages(ch.ID) {
			if strings.Contains(m.Text, "Escalation: INC-1") {
				return strings.Contains(m.Text, "<@U0CAROL>") && strings.Contains(m.Text, "<@U0ERIN>")
			}
		}
		return false
	})
	testkit.Eventually(t, "the Discord escalation mentions Dave", func() bool {
		for _, th := range dfake.Threads("700000000000000010") {
			for _, m := range dfake.Messages(th.ID) {
				if strings.Contains(m.Content, "<@100000000000000044>") && strings.Contains(string(m.AllowedMentions), "100000000000000044") {
					return true
				}
			}
		}
		return false
	})
	if n := len(sfake.Calls("users.lookupByEmail")); n < 1 {
		t.Errorf("Slack was never asked for the on-call's user: %d calls", n)
	}

	// /oncall in the incident names its service's on-call first.
	st, body := r.command(t, "oncall INC-1")
	if st != 200 || !strings.Contains(body, "On call now for payments (INC-1): erin@example.com, dave@example.com") {
		t.Errorf("/oncall: %d %s", st, body)
	}
}

// TestEscalationWithoutTheOnCall: while PagerDuty answers 429, the
// escalation still goes out at once, naming the commander, without the
// on-call.
func TestEscalationWithoutTheOnCall(t *testing.T) {
	pd := newPDREST(t)
	pd.limited = true
	r, sfake, _ := oncallApp(t, pd)
	escalateSEV1(t, r)
	var text string
	testkit.Eventually(t, "the Slack escalation", func() bool {
		ch, ok := sfake.ChannelByName("inc-1-checkout-down")
		if !ok {
			return false
		}
		for _, m := range sfake.Messages(ch.ID) {
			if strings.Contains(m.Text, "Escalation: INC-1") {
				text = m.Text
				return true
			}
		}
		return false
	})
	if !strings.Contains(text, "<@U0CAROL>") || strings.Contains(text, "U0ERIN") {
		t.Errorf("escalation text %q: want the commander and no on-call", text)
	}
}
