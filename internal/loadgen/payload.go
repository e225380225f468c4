package loadgen

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"time"
)

// Format is the shape of a request body.
type Format string

// The formats the generator sends. Both carry the same alerts.
const (
	// AlertmanagerAPI is the body of Alertmanager's POST /api/v2/alerts:
	// a JSON array of alerts (what Prometheus sends to Alertmanager).
	AlertmanagerAPI Format = "am-v2"
	// Webhook is the body of Alertmanager's webhook (version 4): one
	// group's alerts, as Alertmanager sends them to warroom.
	Webhook Format = "webhook-v4"
)

// Groups is how many alert groups (alertname values) the bodies spread over.
const Groups = 20

// Bodies builds request bodies of PerRequest new alerts each. Every body
// it builds carries alerts never sent before (by this Bodies), so a
// receiver that deduplicates does the full work for each.
type Bodies struct {
	Format     Format
	PerRequest int
	// Run makes the fingerprints of this generator's alerts differ from
	// another run's against the same server.
	Run string
	// StartsAt is every alert's start time.
	StartsAt time.Time
}

// NewBodies returns bodies of perRequest alerts in format f, unique to
// this run.
func NewBodies(f Format, perRequest int) (*Bodies, error) {
	if f != AlertmanagerAPI && f != Webhook {
		return nil, fmt.Errorf("format %q is not %s or %s", f, AlertmanagerAPI, Webhook)
	}
	if perRequest < 1 {
		return nil, fmt.Errorf("alerts per request must be 1 or more, not %d", perRequest)
	}
	now := time.Now().UTC()
	return &Bodies{Format: f, PerRequest: perRequest, Run: strconv.FormatInt(now.UnixNano(), 36), StartsAt: now.Truncate(time.Second)}, nil
}

// Body appends to dst the body of request seq (0, 1, ...) and returns it.
// Request seq carries alerts of group seq % Groups.
func (b *Bodies) Body(dst []byte, seq int64) []byte {
	g := seq % Groups
	starts := b.StartsAt.Format(time.RFC3339)
	if b.Format == Webhook {
		dst = fmt.Appendf(dst, `{"version":"4","groupKey":"{}:{alertname=\"Bench%d\"}","status":"firing","receiver":"warroom","truncatedAlerts":0,"externalURL":"http://alertmanager.example:9093","groupLabels":{"alertname":"Bench%d"},"commonLabels":{"alertname":"Bench%d"},"commonAnnotations":{},"alerts":[`, g, g, g)
	} else {
		dst = append(dst, '[')
	}
	for i := 0; i < b.PerRequest; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		instance := fmt.Sprintf("host-%s-%d-%d", b.Run, seq, i)
		dst = fmt.Appendf(dst, `{"labels":{"alertname":"Bench%d","instance":%q,"job":"node","service":"svc%d","severity":"critical"},"annotations":{"summary":"Bench%d firing on %s"},"startsAt":%q,"generatorURL":"http://prometheus.example:9090/graph"`,
			g, instance, g, g, instance, starts)
		if b.Format == Webhook {
			dst = fmt.Appendf(dst, `,"status":"firing","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%016x"`, fingerprint(g, instance))
		}
		dst = append(dst, '}')
	}
	if b.Format == Webhook {
		dst = append(dst, "]}"...)
	} else {
		dst = append(dst, ']')
	}
	return dst
}

// fingerprint stands in for Alertmanager's hash of an alert's labels.
func fingerprint(group int64, instance string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "Bench%d\x00%s", group, instance)
	return h.Sum64()
}
