package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testkit"
)

// TestPagerDutyWiring: with PagerDuty configured, declaring a SEV1 sends an
// Events API trigger, /oncall answers from REST, and the signed v3 webhook
// route takes deliveries.
func TestPagerDutyWiring(t *testing.T) {
	var mu sync.Mutex
	var events []map[string]any
	pd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v2/enqueue":
			var ev map[string]any
			_ = json.NewDecoder(r.Body).Decode(&ev)
			mu.Lock()
			events = append(events, ev)
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"status":"success","message":"Event processed","dedup_key":"INC-1"}`))
		case "/oncalls":
			_, _ = w.Write([]byte(`{"oncalls":[{"user":{"summary":"Alice"},"escalation_policy":{"summary":"Web"},"escalation_level":1}],"more":false}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer pd.Close()
	r := startApp(t, "PAGERDUTY_ROUTING_KEY", "R0UT1NGKEY0000000000000000000001", "PAGERDUTY_TOKEN", "tok",
		"PAGERDUTY_WEBHOOK_SECRET", "whsec", "PAGERDUTY_EVENTS_URL", pd.URL, "PAGERDUTY_API_URL", pd.URL)

	if st, body := r.command(t, "declare sev1 Checkout is down"); st != 200 {
		t.Fatalf("declare: %d %s", st, body)
	}
	testkit.Eventually(t, "an event reaches PagerDuty", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(events) > 0
	})
	mu.Lock()
	if events[0]["event_action"] != "trigger" || events[0]["dedup_key"] != "INC-1" {
		t.Errorf("event %v", events[0])
	}
	mu.Unlock()

	if st, body := r.command(t, "/oncall"); st != 200 || !strings.Contains(body, "Alice") {
		t.Errorf("/oncall: %d %s", st, body)
	}

	body := `{"event":{"id":"E1","event_type":"incident.annotated","data":{"type":"incident_note","content":"hi","incident":{"id":"PX"}}}}`
	m := hmac.New(sha256.New, []byte("whsec"))
	m.Write([]byte(body))
	for _, tc := range []struct {
		sig  string
		want int
	}{{"v1=" + hex.EncodeToString(m.Sum(nil)), 200}, {"v1=00", 401}} {
		req, _ := http.NewRequest("POST", r.url+"/webhooks/pagerduty", strings.NewReader(body))
		req.Header.Set("X-PagerDuty-Signature", tc.sig)
		req.Header.Set("X-Webhook-Id", "W1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("webhook with %q: %d, want %d", tc.sig, resp.StatusCode, tc.want)
		}
	}
}

// TestServicePaging: the Service pages through PagerDuty once a routing key
// is set, at the configured threshold, and escalates unless told not to.
func TestServicePaging(t *testing.T) {
	path := writeFile(t, "warroom.yaml", "pagerduty: {page_at: sev1}\nescalation: {levels: [1, 3], mention: [\"@sre-oncall\"]}\n")
	c, err := config.Load(path, env("PAGERDUTY_ROUTING_KEY", "default-key"))
	if err != nil {
		t.Fatal(err)
	}
	sp, se := servicePaging(c)
	if diff := cmp.Diff([]string{"pagerduty"}, sp.Targets); diff != "" || sp.PageAt != bot.SEV1 || se.Off {
		t.Errorf("service paging %+v %+v", sp, se)
	}
	if diff := cmp.Diff(bot.EscalationConfig{Levels: []int{1, 3}, Mention: []string{"@sre-oncall"}}, se); diff != "" {
		t.Errorf("escalation (-want +got):\n%s", diff)
	}

	c, err = config.Load(writeFile(t, "w.yaml", "escalation: {enabled: false}\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	sp, se = servicePaging(c)
	if len(sp.Targets) != 0 || !se.Off {
		t.Errorf("paging %+v escalation %+v", sp, se)
	}
}
