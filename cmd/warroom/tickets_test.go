package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/config"
	"github.com/warroom/warroom/internal/testkit"
)

// miniJira answers the few Jira REST v2 calls a SEV2 declare makes: search,
// create, get, transitions.
type miniJira struct {
	mu      sync.Mutex
	created []string // summaries
}

func (m *miniJira) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if u, p, ok := r.BasicAuth(); !ok || u != "bot@example.com" || p != "jira-token" {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"errorMessages":["not authenticated"]}`)
		return
	}
	switch {
	case r.URL.Path == "/rest/api/2/search/jql":
		_, _ = io.WriteString(w, `{"issues":[],"isLast":true}`)
	case r.Method == "POST" && r.URL.Path == "/rest/api/2/issue":
		var req struct {
			Fields struct {
				Summary string `json:"summary"`
			} `json:"fields"`
		}
		_ = json.NewDecoder(r.Body).Decode(&req)
		m.created = append(m.created, req.Fields.Summary)
		w.WriteHeader(201)
		_, _ = io.WriteString(w, `{"id":"10001","key":"OPS-1"}`)
	case strings.HasSuffix(r.URL.Path, "/transitions"):
		_, _ = io.WriteString(w, `{"transitions":[]}`)
	case r.URL.Path == "/rest/api/2/issue/OPS-1":
		_, _ = io.WriteString(w, `{"key":"OPS-1","fields":{"summary":"x","status":{"name":"To Do"}}}`)
	default:
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"errorMessages":["no"]}`)
	}
}

func TestJiraWiredEndToEnd(t *testing.T) {
	fake := &miniJira{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	r := startApp(t, "JIRA_URL", srv.URL, "JIRA_USER", "bot@example.com", "JIRA_TOKEN", "jira-token",
		"JIRA_PROJECT", "OPS", "JIRA_WEBHOOK_SECRET", "hook-secret")
	if code, body := r.command(t, "/incident declare sev2 Checkout latency above SLO"); code != 200 {
		t.Fatalf("declare: %d %s", code, body)
	}
	testkit.Eventually(t, "the incident is linked to its Jira issue OPS-1", func() bool {
		_, body := r.do(t, "GET", "/api/v1/incidents/INC-1", testToken, nil)
		return strings.Contains(body, `"OPS-1"`)
	})
	if code, body := r.command(t, "/incident ticket INC-1"); code != 200 || !strings.Contains(body, "OPS-1") {
		t.Errorf("/incident ticket: %d %s", code, body)
	}
	fake.mu.Lock()
	created := append([]string(nil), fake.created...)
	fake.mu.Unlock()
	if len(created) != 1 || created[0] != "[INC-1][SEV2] Checkout latency above SLO" {
		t.Errorf("created = %q", created)
	}
	if code, body := r.do(t, "POST", "/webhooks/jira", "", strings.NewReader(`{}`)); code != 401 || !strings.Contains(body, "signature") {
		t.Errorf("unsigned webhook: %d %s", code, body)
	}
	if _, body := r.do(t, "GET", "/metrics", "", nil); !strings.Contains(body, `warroom_ticket_stopped{system="jira"} 0`) {
		t.Errorf("metrics lack the ticket gauge")
	} else if !strings.Contains(body, `warroom_integration_held{integration="jira"} 0`) {
		t.Errorf("metrics lack the held gauge of jira")
	}
}

// TestTicketConfig: each ticket system with a URL is a target of the
// Service, Jira with action items of their own, at the configured threshold.
func TestTicketConfig(t *testing.T) {
	c, err := config.Load(writeFile(t, "w.yaml", "ticket_threshold: sev3\n"), env(
		"JIRA_URL", "https://jira.example.com", "JIRA_TOKEN", "pat", "JIRA_PROJECT", "OPS",
		"SERVICENOW_URL", "https://sn.example.com", "SERVICENOW_USER", "u", "SERVICENOW_PASSWORD", "p",
	))
	if err != nil {
		t.Fatal(err)
	}
	tc := ticketConfig(c)
	if tc.At != bot.SEV3 || len(tc.Targets) != 2 || !tc.Targets[0].Actions || tc.Targets[1].Name != "servicenow" {
		t.Errorf("ticketConfig = %+v", tc)
	}
	if c, _ := config.Load("", env()); len(ticketConfig(c).Targets) != 0 {
		t.Errorf("ticketConfig without URLs = %+v", ticketConfig(c))
	}
}
