package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// waitMessages polls a console channel until one message holds want.
func waitMessages(t *testing.T, r *running, channel, want string) bot.PostedMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms, err := r.app.store.Messages(context.Background(), "console", channel, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if strings.Contains(string(m.Body), want) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message in #%s holds %q (%d messages)", channel, want, len(ms))
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}

// TestInsightsScenario: declare → resolve → the postmortem draft lands in
// the incident channel; /incident postmortem regenerates it; /incident
// digest posts a digest with its chart; action list works across incidents.
func TestInsightsScenario(t *testing.T) {
	r := startApp(t)
	for _, s := range []struct{ text, want string }{
		{"/incident declare sev2 Checkout latency --service payments", "INC-1"},
		{"/incident action add INC-1 Add canary deploys @alice due:+3d --kind preventive", "preventive"},
		{"/incident resolve INC-1 Rolled back", "resolved"},
		{"/incident postmortem INC-1", "# Postmortem: INC-1 Checkout latency"},
		{"/incident action list --mine", "Add canary deploys"},
		{"/incident digest 30d", "# Incident digest: last 30d"},
	} {
		code, body := r.command(t, s.text)
		if code != 200 || !strings.Contains(body, s.want) {
			t.Fatalf("%s: %d %s, want 200 mentioning %q", s.text, code, body, s.want)
		}
	}
	inc, err := r.app.store.Incident(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	waitMessages(t, r, inc.Channels["console"], "Postmortem draft: INC-1")
	pm, err := r.app.store.Postmortem(context.Background(), 1)
	if err != nil || pm.Version != 2 {
		t.Fatalf("stored postmortem = %+v, %v; want version 2 (resolve, then regenerate)", pm, err)
	}
	// From outside a channel with no digests configured, the digest is
	// only the reply; inside a console channel it is posted there.
	code, body := r.do(t, "POST", "/api/v1/commands", testToken, strings.NewReader(`{"text":"/incident digest 7d","user":"alice","channel":"managers"}`))
	if code != 200 {
		t.Fatalf("digest in #managers: %d %s", code, body)
	}
	m := waitMessages(t, r, "managers", "Incident digest: last 7d")
	if !strings.Contains(string(m.Body), `"content_type":"image/png"`) {
		t.Errorf("the digest has no chart: %.300s", m.Body)
	}
}
