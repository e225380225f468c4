package grafana

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/internal/webhook"
)

// Config configures the receiver.
type Config struct {
	// Token is WARROOM_WEBHOOK_TOKEN; when empty every delivery is refused.
	Token string
	// Secret is GRAFANA_WEBHOOK_SECRET; when set every delivery must carry
	// a valid HMAC signature too.
	Secret string
	// SignatureHeader and TimestampHeader name Grafana's headers; empty
	// means DefaultSignatureHeader and DefaultTimestampHeader.
	SignatureHeader, TimestampHeader string
	// MaxSkew bounds a signed timestamp's distance from now; 0 means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	Now     func() time.Time // nil: time.Now
}

// Receiver serves POST and PUT /webhooks/grafana.
type Receiver struct{ h *webhook.Handler }

// New builds the receiver. sink takes each delivery's alerts (the
// *bot.Service); reg holds the inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	wc := webhook.Config{
		Source: Source, Sender: "Grafana", Token: cfg.Token,
		Decode: func(_ context.Context, _ *http.Request, body []byte) (webhook.Delivery, error) {
			alerts, truncated, err := decode(body)
			return webhook.Delivery{Alerts: alerts, Truncated: truncated}, err
		},
	}
	if cfg.Secret != "" {
		v := &verifier{secret: []byte(cfg.Secret), header: cfg.SignatureHeader, tsHeader: cfg.TimestampHeader,
			maxSkew: cfg.MaxSkew, now: cfg.Now}
		if v.header == "" {
			v.header = DefaultSignatureHeader
		}
		if v.tsHeader == "" {
			v.tsHeader = DefaultTimestampHeader
		}
		if v.maxSkew <= 0 {
			v.maxSkew = DefaultMaxSkew
		}
		if v.now == nil {
			v.now = time.Now
		}
		wc.Verify = v.verify
	}
	h, err := webhook.NewOn(wc, sink, reg, log)
	if err != nil {
		return nil, err
	}
	return &Receiver{h: h}, nil
}

// Register adds the routes to mux (Grafana can send POST or PUT).
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.Handle("POST /webhooks/grafana", r.h)
	mux.Handle("PUT /webhooks/grafana", r.h)
}

// ServeHTTP serves one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.h.ServeHTTP(w, req) }
