package webhook

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Refusal reasons, the values of the reason label.
const (
	ReasonAuth        = "auth"           // missing or wrong token, or a token in the query string
	ReasonSignature   = "signature"      // a signed sender's signature did not verify
	ReasonContentType = "content_type"   // the body is not of a type the receiver reads
	ReasonTooLarge    = "too_large"      // the body is over 1 MiB
	ReasonMalformed   = "malformed"      // the body does not decode
	ReasonInvalid     = "invalid"        // the domain refused the alerts
	ReasonUnavailable = "unavailable"    // warroom sheds load (503) or cannot reach a dependency
	ReasonInternal    = "internal"       // warroom failed (500)
	ReasonNotSetUp    = "not_configured" // the receiver is not configured (501)
)

// Metrics are the inbound health counters, by source. One Metrics serves
// every receiver of a process.
type Metrics struct {
	deliveries *prometheus.CounterVec
	refused    *prometheus.CounterVec
	alerts     *prometheus.CounterVec
	truncated  *prometheus.CounterVec
}

// NewOn is New with the metrics registered on reg (see NewMetrics): what
// a receiver's constructor calls.
func NewOn(cfg Config, sink Sink, reg prometheus.Registerer, log *slog.Logger) (*Handler, error) {
	m, err := NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	return New(cfg, sink, m, log)
}

// NewMetrics registers the webhook metrics on reg, or returns the ones
// already registered there, so that every receiver can call it with the
// same registry. A nil reg gives unregistered metrics (tests).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_webhook_deliveries_total",
			Help: "Monitoring webhook deliveries, by source and outcome: accepted (new alerts or changes), duplicate (nothing new), ignored (nothing to record), refused.",
		}, []string{"source", "outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_webhook_refused_total",
			Help: "Monitoring webhook deliveries refused, by source and reason. Alertmanager, Grafana and SNS drop a delivery answered 4xx without retrying.",
		}, []string{"source", "reason"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_webhook_alerts_total",
			Help: "Alerts in committed webhook deliveries, by source and outcome: accepted, duplicate, suppressed (maintenance).",
		}, []string{"source", "outcome"}),
		truncated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "warroom_webhook_truncated_alerts_total",
			Help: "Alerts a sender left out of its deliveries (Alertmanager's truncatedAlerts), by source.",
		}, []string{"source"}),
	}
	if reg == nil {
		return m, nil
	}
	m.deliveries = register(reg, m.deliveries)
	m.refused = register(reg, m.refused)
	m.alerts = register(reg, m.alerts)
	m.truncated = register(reg, m.truncated)
	for _, c := range []*prometheus.CounterVec{m.deliveries, m.refused, m.alerts, m.truncated} {
		if c == nil {
			return nil, fmt.Errorf("register webhook metrics: a different collector holds one of their names")
		}
	}
	return m, nil
}

// register registers c on reg, or returns the CounterVec already there.
func register(reg prometheus.Registerer, c *prometheus.CounterVec) *prometheus.CounterVec {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			return existing
		}
	}
	return nil
}

func (m *Metrics) refuse(source, reason string) {
	m.deliveries.WithLabelValues(source, "refused").Inc()
	m.refused.WithLabelValues(source, reason).Inc()
}

// Truncated counts n alerts a sender said it left out of a delivery.
func (m *Metrics) Truncated(source string, n int) {
	if n > 0 {
		m.truncated.WithLabelValues(source).Add(float64(n))
	}
}
