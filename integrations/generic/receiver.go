package generic

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/internal/webhook"
)

// Config configures the receiver.
type Config struct {
	// Token is WARROOM_WEBHOOK_TOKEN; when empty every delivery is refused.
	Token string
	// Mapping is the `generic:` config. When it is empty the route answers
	// 501 saying so.
	Mapping Mapping
}

// Receiver serves POST /webhooks/generic.
type Receiver struct{ h *webhook.Handler }

// New builds the receiver; it fails when the mapping is set but invalid.
// sink takes each delivery's alerts (the *bot.Service); reg holds the
// inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	decode := func(context.Context, *http.Request, []byte) (webhook.Delivery, error) {
		return webhook.Delivery{}, webhook.Refuse(http.StatusNotImplemented, webhook.ReasonNotSetUp,
			"the generic webhook has no field mapping: add a `generic:` section (dedup_key, title, ...) to warroom's config")
	}
	if !cfg.Mapping.IsZero() {
		d, err := NewDecoder(cfg.Mapping)
		if err != nil {
			return nil, err
		}
		decode = func(_ context.Context, _ *http.Request, body []byte) (webhook.Delivery, error) {
			alerts, err := d.Decode(body)
			return webhook.Delivery{Alerts: alerts}, err
		}
	}
	h, err := webhook.NewOn(webhook.Config{Source: Source, Sender: "the generic webhook sender", Token: cfg.Token, Decode: decode}, sink, reg, log)
	if err != nil {
		return nil, err
	}
	return &Receiver{h: h}, nil
}

// Register adds the route to mux.
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.Handle("POST /webhooks/generic", r.h)
}

// ServeHTTP serves one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.h.ServeHTTP(w, req) }
