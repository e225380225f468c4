package sns

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/integrations/internal/webhook"
)

// Config configures the receiver.
type Config struct {
	// TopicARNs are the topics accepted (SNS_TOPIC_ARNS). Messages and
	// subscription confirmations of any other topic are refused; with none
	// configured, every SNS delivery is refused.
	TopicARNs []string
	// Client fetches signing certificates and confirms subscriptions; nil
	// means a client with a 10 s timeout.
	Client *http.Client
	// TrustURL replaces CheckAWSURL. Tests only (a local TLS server stands
	// in for AWS); nil, as in production, means the strict check.
	TrustURL func(raw, region string, wantPEM bool) error
	Now      func() time.Time // nil: time.Now
}

// Receiver serves POST /webhooks/sns.
type Receiver struct {
	h      *webhook.Handler
	topics []string
	v      *verifier
	client *http.Client
	log    *slog.Logger
}

// reply is the answer to a delivery that carried no alert.
type reply struct {
	Confirmed string `json:"confirmed,omitempty"`
	Ignored   string `json:"ignored,omitempty"`
}

// New builds the receiver. sink takes each delivery's alerts (the
// *bot.Service); reg holds the inbound health metrics.
func New(cfg Config, sink webhook.Sink, reg prometheus.Registerer, log *slog.Logger) (*Receiver, error) {
	for _, arn := range cfg.TopicARNs {
		if _, err := regionOf(arn); err != nil {
			return nil, fmt.Errorf("SNS_TOPIC_ARNS: %w", err)
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	check := cfg.TrustURL
	if check == nil {
		check = CheckAWSURL
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	r := &Receiver{
		topics: slices.Clone(cfg.TopicARNs), client: client, log: log.With("integration", Source),
		v: &verifier{client: client, checkURL: check, now: now, certs: map[string]*x509.Certificate{}},
	}
	var err error
	r.h, err = webhook.NewOn(webhook.Config{
		Source: Source, Sender: "AWS SNS", Signed: true,
		MediaTypes: []string{"text/plain", "application/json"},
		Decode:     r.decode,
	}, sink, reg, log)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Register adds the route to mux.
func (r *Receiver) Register(mux *http.ServeMux) {
	mux.Handle("POST /webhooks/sns", r.h)
}

// ServeHTTP serves one delivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.h.ServeHTTP(w, req) }

// decode authenticates one SNS delivery and acts on its type.
func (r *Receiver) decode(ctx context.Context, _ *http.Request, body []byte) (webhook.Delivery, error) {
	m, err := ParseMessage(body)
	if err != nil {
		return webhook.Delivery{}, err
	}
	region, err := regionOf(m.TopicArn)
	if err != nil {
		return webhook.Delivery{}, err
	}
	if len(r.topics) == 0 {
		return webhook.Delivery{}, webhook.Refuse(http.StatusForbidden, webhook.ReasonAuth,
			"SNS deliveries are refused until SNS_TOPIC_ARNS lists the topics warroom accepts")
	}
	if !slices.Contains(r.topics, m.TopicArn) {
		return webhook.Delivery{}, webhook.Refuse(http.StatusForbidden, webhook.ReasonAuth,
			"topic %s is not in SNS_TOPIC_ARNS", m.TopicArn)
	}
	if err := r.v.verify(ctx, m, region); err != nil {
		if errors.Is(err, errFetch) {
			r.log.Warn("cannot fetch the SNS signing certificate", "err", err)
			return webhook.Delivery{}, webhook.Refuse(http.StatusServiceUnavailable, webhook.ReasonUnavailable,
				"the SNS signing certificate could not be fetched; retry later")
		}
		return webhook.Delivery{}, webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature,
			"SNS signature refused: %v", err)
	}
	switch m.Type {
	case TypeSubscriptionConf:
		if err := r.confirm(ctx, m, region); err != nil {
			return webhook.Delivery{}, err
		}
		return webhook.Delivery{Reply: reply{Confirmed: m.TopicArn}}, nil
	case TypeUnsubscribeConf:
		r.log.Warn("SNS says warroom was unsubscribed from a topic; resubscribe it in AWS to receive its alarms again",
			"topic", m.TopicArn)
		return webhook.Delivery{Reply: reply{Ignored: "unsubscribe confirmation noted"}}, nil
	}
	alerts, err := DecodeAlarm([]byte(m.Message))
	if err != nil {
		return webhook.Delivery{}, err
	}
	if len(alerts) == 0 {
		return webhook.Delivery{Reply: reply{Ignored: "INSUFFICIENT_DATA changes no alert"}}, nil
	}
	for i := range alerts {
		alerts[i].Labels["sns_topic"] = m.TopicArn
	}
	return webhook.Delivery{Alerts: alerts}, nil
}

// confirm visits a subscription's SubscribeURL.
func (r *Receiver) confirm(ctx context.Context, m *Message, region string) error {
	if err := r.v.checkURL(m.SubscribeURL, region, false); err != nil {
		return webhook.Refuse(http.StatusBadRequest, webhook.ReasonMalformed, "SubscribeURL refused: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.SubscribeURL, nil)
	if err != nil {
		return webhook.Refuse(http.StatusBadRequest, webhook.ReasonMalformed, "SubscribeURL refused: %v", err)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		r.log.Warn("confirm SNS subscription", "topic", m.TopicArn, "err", err)
		return webhook.Refuse(http.StatusServiceUnavailable, webhook.ReasonUnavailable, "the subscription could not be confirmed; retry later")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.log.Warn("confirm SNS subscription", "topic", m.TopicArn, "status", resp.StatusCode)
		return webhook.Refuse(http.StatusServiceUnavailable, webhook.ReasonUnavailable, "AWS answered %d to the subscription confirmation; retry later", resp.StatusCode)
	}
	r.log.Info("SNS subscription confirmed", "topic", m.TopicArn)
	return nil
}
