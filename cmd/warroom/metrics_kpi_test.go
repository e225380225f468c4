package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestKPIMetricsAgainstTheIncidents: the KPI series on /metrics count
// what a plain loop over a generated history counts.
func TestKPIMetricsAgainstTheIncidents(t *testing.T) {
	r := startApp(t)
	end := time.Now().UTC().Truncate(time.Second)
	incs := testkit.History(1200, end.Add(-30*24*time.Hour), end, 3)
	testkit.ImportHistory(t, r.app.store, incs)
	code, body := r.do(t, "GET", "/metrics", "", nil)
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	bySev := map[string]int{}
	resolved, fastAck := map[string]int{}, map[string]int{}
	for _, inc := range incs {
		sev := inc.Severity.String()
		bySev[sev+" "+string(inc.Status)]++
		if inc.ResolvedAt != nil {
			resolved[sev]++
		}
		if inc.AcknowledgedAt != nil && inc.AcknowledgedAt.Sub(inc.DeclaredAt) <= 5*time.Minute {
			fastAck[sev]++
		}
	}
	var want []string
	for _, s := range bot.Severities {
		sev := s.String()
		want = append(want,
			fmt.Sprintf(`warroom_incident_mttr_seconds_count{severity="%s"} %d`, sev, resolved[sev]),
			fmt.Sprintf(`warroom_incident_mtta_seconds_bucket{severity="%s",le="300"} %d`, sev, fastAck[sev]),
			fmt.Sprintf(`warroom_incidents_by_severity{severity="%s",status="resolved"} %d`, sev, bySev[sev+" resolved"]),
			fmt.Sprintf(`warroom_sla_breaches{kind="ack",severity="%s"} 0`, sev),
		)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %q", w)
		}
	}
}

// countingSource counts how often the aggregate is summed up.
type countingSource struct {
	last time.Time
	sums int
}

func (c *countingSource) KPIMetrics(context.Context) (*bot.KPIMetrics, error) {
	c.sums++
	return &bot.KPIMetrics{Incidents: map[bot.Severity]map[bot.Status]int64{bot.SEV1: {bot.StatusTriggered: int64(c.sums)}}}, nil
}

func (c *countingSource) LastChange(context.Context) (time.Time, error) { return c.last, nil }

// TestKPIMetricsSumOnlyAfterAChange: scrapes answer from the cached sums
// until an incident changes.
func TestKPIMetricsSumOnlyAfterAChange(t *testing.T) {
	src := &countingSource{last: time.Unix(100, 0)}
	clk := testkit.NewClock(time.Unix(1000, 0))
	reg := prometheus.NewRegistry()
	reg.MustRegister(&kpiCollector{src: src, now: clk.Now, log: discard()})
	for range 3 {
		if _, err := reg.Gather(); err != nil {
			t.Fatal(err)
		}
	}
	if src.sums != 1 {
		t.Fatalf("three scrapes with nothing changed summed %d times, want 1", src.sums)
	}
	src.last = time.Unix(200, 0)
	n, err := testutil.GatherAndCount(reg, "warroom_incidents")
	if err != nil || n == 0 || src.sums != 2 {
		t.Fatalf("after a change: %d series, %v, %d sums; want a new sum", n, err, src.sums)
	}
}

// TestGrafanaDashboardUsesRealSeries: every warroom_ series the dashboard
// in deploy/grafana queries is on /metrics.
func TestGrafanaDashboardUsesRealSeries(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/grafana/warroom-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	r := startApp(t)
	if code, body := r.command(t, "/incident declare sev2 Checkout latency"); code != 200 {
		t.Fatal(body)
	}
	_, metrics := r.do(t, "GET", "/metrics", "", nil)
	name := regexp.MustCompile(`warroom_[a-z_]+`)
	seen := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, m := range name.FindAllString(tg.Expr, -1) {
				seen++
				if !strings.Contains(metrics, "\n"+m+"{") && !strings.Contains(metrics, "\n"+m+" ") {
					t.Errorf("panel %q queries %s, which /metrics does not have", p.Title, m)
				}
			}
		}
	}
	if len(dash.Panels) < 8 || seen < 10 {
		t.Errorf("%d panels, %d series: the dashboard shows little", len(dash.Panels), seen)
	}
}
