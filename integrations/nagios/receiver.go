package nagios

import (
	"context"
	"log/slog"
	"mime"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/internal/webhook"
)

// Config configures the receiver.
type Config struct {
	// Token is WARROOM_WEBHOOK_TOKEN; when empty every delivery is refused.
	Token string
}

// Receiver serves POST /webhooks/nagios.
type Receiver struct{ h *webhook.Handler }

// ignored is the answer to a notification that changes no alert.
type ignored struct {
	Ignored string `json:"ignored"`
}

// New builds the receiver. sink takes each delivery's alerts (the
// *bot.Service); reg holds the inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	h, err := webhook.NewOn(webhook.Config{
		Source: Source, Sender: "Nagios", Token: cfg.Token,
		MediaTypes: []string{"application/json", "application/x-www-form-urlencoded"},
		Decode: func(_ context.Context, r *http.Request, body []byte) (webhook.Delivery, error) {
			parse := ParseJSON
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
				parse = ParseForm
			}
			n, err := parse(body)
			if err != nil {
				return webhook.Delivery{}, err
			}
			alerts, err := n.Alerts()
			if err != nil {
				return webhook.Delivery{}, err
			}
			if len(alerts) == 0 {
				return webhook.Delivery{Reply: ignored{Ignored: n["notificationtype"] + " notifications change no alert"}}, nil
			}
			return webhook.Delivery{Alerts: alerts}, nil
		},
	}, sink, reg, log)
	if err != nil {
		return nil, err
	}
	return &Receiver{h: h}, nil
}

// Register adds the route to mux.
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.Handle("POST /webhooks/nagios", r.h)
}

// ServeHTTP serves one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.h.ServeHTTP(w, req) }
