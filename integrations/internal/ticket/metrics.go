package ticket

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics of one ticket integration, labelled system=<name>.
type Metrics struct {
	Requests *prometheus.CounterVec // warroom_ticket_requests_total{method,code}
	Errors   *prometheus.CounterVec // warroom_ticket_errors_total{class}
	Writes   *prometheus.CounterVec // warroom_ticket_writes_total{op}
	Stopped  prometheus.Gauge       // warroom_ticket_stopped
}

var _ prometheus.Collector = (*Metrics)(nil)

// NewMetrics builds the metrics of the integration named system.
func NewMetrics(system string) *Metrics {
	l := prometheus.Labels{"system": system}
	return &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_requests_total", Help: "Requests to the ticket system, by method and status class.", ConstLabels: l,
		}, []string{"method", "code"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_errors_total", Help: "Failed ticket operations, by class (auth, rate_limited, server, network, invalid).", ConstLabels: l,
		}, []string{"class"}),
		Writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_ticket_writes_total", Help: "Writes to the ticket system, by operation.", ConstLabels: l,
		}, []string{"op"}),
		Stopped: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "warroom_ticket_stopped", Help: "1 when the ticket integration stopped after its credentials were refused (401/403).", ConstLabels: l,
		}),
	}
}

// Request counts one answered request.
func (m *Metrics) Request(method string, status int) {
	m.Requests.WithLabelValues(method, StatusClass(status)).Inc()
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.Requests.Describe(ch)
	m.Errors.Describe(ch)
	m.Writes.Describe(ch)
	m.Stopped.Describe(ch)
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.Requests.Collect(ch)
	m.Errors.Collect(ch)
	m.Writes.Collect(ch)
	m.Stopped.Collect(ch)
}

// StatusClass is an HTTP status's class: 2xx, 4xx, ...
func StatusClass(code int) string {
	return fmt.Sprintf("%dxx", code/100)
}
