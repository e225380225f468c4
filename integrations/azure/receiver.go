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
	// Token is WARROOM_WEBHOOK_TOKEN. Azure action groups cannot set
	// headers; a token can only travel as the URL's user info
	// (https://warroom:TOKEN@host/webhooks/azure), sent as basic auth.
	Token string
	// Entra, when its Tenant is set, also accepts Azure's secure webhooks:
	// a Microsoft Entra ID access token for Entra.Audience. With Token empty
	// it is the only way in.
	Entra Entra
}

// Receiver serves POST /webhooks/azure.
type Receiver struct{ h *webhook.Handler }

// New builds the receiver. sink takes each delivery's alerts (the
// *bot.Service); reg holds the inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	var verify func(ctx context.Context, token string) error
	if cfg.Entra.Tenant != "" {
		v, err := newEntraVerifier(cfg.Entra)
		if err != nil {
			return nil, err
		}
		verify = v.Verify
	}
	h, err := webhook.NewOn(webhook.Config{
		Source: Source, Sender: "Azure Monitor", Token: cfg.Token, VerifyBearer: verify,
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
