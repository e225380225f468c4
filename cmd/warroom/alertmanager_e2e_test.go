package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/internal/testkit"
)

// alertmanagerBin is Debian's prometheus-alertmanager (.ci/run installs it).
const alertmanagerBin = "/usr/bin/prometheus-alertmanager"

// TestAlertmanagerEndToEnd runs the real Prometheus Alertmanager against
// the real `warroom serve`: a firing group declares one incident, a grown
// group attaches to it, and the resolution lands on the timeline.
func TestAlertmanagerEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the warroom and alertmanager binaries")
	}
	if _, err := os.Stat(alertmanagerBin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; .ci/run installs it (apt-get install prometheus-alertmanager)", alertmanagerBin)
		}
		t.Skipf("%s is missing: install Debian's prometheus-alertmanager to run the end-to-end test", alertmanagerBin)
	}
	const webhookToken, apiToken = "e2e-webhook-token", "e2e-api-token"
	dir := t.TempDir()
	w := serveWith(t, warroomBinary(t), dir, "WARROOM_WEBHOOK_TOKEN="+webhookToken, "WARROOM_API_TOKEN="+apiToken)
	defer w.stop(t, shutdownLimit)

	am := startAlertmanager(t, w.url+"/webhooks/alertmanager", webhookToken)
	api := &apiClient{t: t, base: w.url, token: apiToken}

	started := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	alert := func(instance string, ends time.Time) map[string]any {
		a := map[string]any{
			"labels":      map[string]string{"alertname": "HighErrorRate", "service": "checkout", "severity": "critical", "instance": instance},
			"annotations": map[string]string{"summary": "5xx rate above 5% on checkout"},
			"startsAt":    started.Format(time.RFC3339),
		}
		if !ends.IsZero() {
			a["endsAt"] = ends.Format(time.RFC3339)
		}
		return a
	}

	// Fire a group: one incident.
	am.post(alert("web-1", time.Time{}))
	inc := api.waitIncident(func(inc e2eIncident) bool { return inc.Alerts >= 1 }, "the first alert to declare an incident")
	if inc.Severity != 2 || inc.Source != "alertmanager" || inc.Title != "HighErrorRate on checkout" {
		t.Errorf("declared %+v", inc)
	}

	// Grow the group: the same incident.
	am.post(alert("web-1", time.Time{}), alert("web-2", time.Time{}))
	inc = api.waitIncident(func(inc e2eIncident) bool { return inc.Alerts >= 2 }, "the second alert to attach")
	if inc.Key != "INC-1" || inc.AlertsFiring != 2 {
		t.Errorf("after growing the group: %+v", inc)
	}

	// Resolve both (endsAt in the past): the timeline says so.
	past := time.Now().UTC().Add(-time.Second)
	am.post(alert("web-1", past), alert("web-2", past))
	inc = api.waitIncident(func(inc e2eIncident) bool { return inc.AlertsFiring == 0 }, "the resolutions")
	tl := api.timeline(inc.Key)
	var fired, resolved, all int
	for _, e := range tl {
		n, _ := strconv.Atoi(e.Data["count"]) // alerts of one delivery share an entry
		switch {
		case e.Kind == "alert_fired":
			fired += n
		case e.Kind == "alert_resolved" && e.Data["all"] == "true":
			all++
		case e.Kind == "alert_resolved":
			resolved += n
		}
	}
	if fired != 2 || resolved != 2 || all != 1 {
		t.Errorf("timeline records %d fired, %d resolved alerts and %d all-resolved entries; want 2, 2, 1:\n%+v", fired, resolved, all, tl)
	}
	if n := len(api.incidents()); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}

	// Maintenance windows are wired to the commands.
	if rep := api.command("/incident maintenance start 2h service=db env=prod kernel upgrade"); !strings.Contains(rep, "Maintenance window #1 until") {
		t.Errorf("maintenance start replied %q", rep)
	}
	if rep := api.command("/incident maintenance list"); !strings.Contains(rep, "service=db env=prod (kernel upgrade)") {
		t.Errorf("maintenance list replied %q", rep)
	}
}

// command runs a command through POST /api/v1/commands and returns the reply.
func (c *apiClient) command(text string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text, "user": "alice"})
	req, _ := http.NewRequest("POST", c.base+"/api/v1/commands", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Text  string `json:"text"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		c.t.Fatalf("POST /api/v1/commands: %v", err)
	}
	return out.Text + out.Error
}

// amProc is a running prometheus-alertmanager.
type amProc struct {
	t   testing.TB
	url string
	pid int
}

func startAlertmanager(t testing.TB, webhook, token string) *amProc {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf(`route:
  receiver: warroom
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: %q
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %q
`, webhook, token)
	path := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	stderr := &testkit.Buffer{}
	cmd := exec.Command(alertmanagerBin, "--config.file="+path, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=", "--log.level=warn")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("alertmanager log:\n%s", stderr)
		}
	})
	am := &amProc{t: t, url: "http://" + addr, pid: cmd.Process.Pid}
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := client.Get(am.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return am
			}
		}
		select {
		case <-exited:
			t.Fatalf("alertmanager exited early:\n%s", stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("alertmanager not ready in time (%v):\n%s", err, stderr)
		}
		time.Sleep(10 * time.Millisecond) // polling with a deadline
	}
}

// post sends alerts to Alertmanager's API v2.
func (am *amProc) post(alerts ...map[string]any) {
	am.t.Helper()
	body, _ := json.Marshal(alerts)
	resp, err := http.Post(am.url+"/api/v2/alerts", "application/json", bytes.NewReader(body))
	if err != nil {
		am.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		am.t.Fatalf("POST /api/v2/alerts = %d", resp.StatusCode)
	}
}

// e2eIncident is the part of the API's incident view the test reads.
type e2eIncident struct {
	Key          string `json:"key"`
	Title        string `json:"title"`
	Source       string `json:"source"`
	Severity     int    `json:"severity"`
	Alerts       int    `json:"alerts"`
	AlertsFiring int    `json:"alerts_firing"`
}

type e2eEntry struct {
	Kind string            `json:"kind"`
	Text string            `json:"text"`
	Data map[string]string `json:"data"`
}

// apiClient reads warroom's JSON API.
type apiClient struct {
	t           *testing.T
	base, token string
}

func (c *apiClient) get(path string, v any) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

func (c *apiClient) incidents() []e2eIncident {
	var out struct {
		Incidents []e2eIncident `json:"incidents"`
	}
	c.get("/api/v1/incidents", &out)
	return out.Incidents
}

func (c *apiClient) timeline(key string) []e2eEntry {
	var out struct {
		Timeline []e2eEntry `json:"timeline"`
	}
	c.get("/api/v1/incidents/"+key, &out)
	return out.Timeline
}

// waitIncident polls until there is exactly one incident and ok holds.
func (c *apiClient) waitIncident(ok func(e2eIncident) bool, what string) e2eIncident {
	c.t.Helper()
	var last []e2eIncident
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) { // polling with a deadline
		last = c.incidents()
		if len(last) > 1 {
			c.t.Fatalf("%d incidents, want one: %+v", len(last), last)
		}
		if len(last) == 1 && ok(last[0]) {
			return last[0]
		}
	}
	c.t.Fatalf("timed out waiting for %s; incidents: %+v", what, last)
	return e2eIncident{}
}
