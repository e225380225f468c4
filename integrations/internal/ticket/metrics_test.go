package ticket_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/warroom/warroom/integrations/internal/ticket"
)

// The names and labels are part of the product: dashboards query them.
func TestMetricsNamesAndLabels(t *testing.T) {
	m := ticket.NewMetrics("jira")
	m.Request("POST", 201)
	m.Request("GET", 404)
	m.Errors.WithLabelValues("auth").Inc()
	m.Writes.WithLabelValues("create").Inc()
	m.Stopped.Set(1)
	got := map[string][]map[string]string{}
	for _, f := range gather(t, m) {
		for _, s := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range s.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			got[f.GetName()] = append(got[f.GetName()], l)
		}
	}
	want := map[string][]map[string]string{
		"warroom_ticket_requests_total": {
			{"system": "jira", "method": "POST", "code": "2xx"},
			{"system": "jira", "method": "GET", "code": "4xx"},
		},
		"warroom_ticket_errors_total": {{"system": "jira", "class": "auth"}},
		"warroom_ticket_writes_total": {{"system": "jira", "op": "create"}},
		"warroom_ticket_stopped":      {{"system": "jira"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("metrics (-want +got):\n%s", d)
	}
}

// gather registers m alone on a pedantic registry and gathers it.
func gather(t *testing.T, m *ticket.Metrics) []*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(m); err != nil {
		t.Fatalf("register: %v", err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return families
}
