package azure

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
	// Azure action groups cannot set headers: put the token in the URL's
	// user info (https://warroom:TOKEN@host/webhooks/azure), which Azure
	// sends as basic auth.
	Token string
}

// Receiver serves POST /webhooks/azure.
type Receiver struct{ h *webhook.Handler }

// New builds the receiver. sink takes each delivery's alerts (the
// *bot.Service); reg holds the inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	h, err := webhook.NewOn(webhook.Config{
		Source: Source, Sender: "Azure Monitor", Token: cfg.Token,
		Decode: func(_ context.Context, _ *http.Request, body []byte) (webhook.Delivery, error) {
			alerts, err := Decode(body)
			return webhook.Delivery{Alerts: alerts}, err
		},
	}, sink, reg, log)
	if err != nil {
		return nil, err
	}
	return &Receiver{h: h}, nil
}

// Register adds the route to mux.
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.Handle("POST /webhooks/azure", r.h)
}

// ServeHTTP serves one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.h.ServeHTTP(w, req) }
