package grafana

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/integrations/internal/webhook"
)

// Signature defaults: Grafana's own header name, and the timestamp header
// name Grafana's provisioning examples use (Grafana has no default: set
// the same name in the contact point's "Timestamp Header").
const (
	DefaultSignatureHeader = "X-Grafana-Alerting-Signature"
	DefaultTimestampHeader = "X-Grafana-Alerting-Signature-Timestamp"
	DefaultMaxSkew         = 5 * time.Minute
)

// verifier checks Grafana's HMAC signature: lower-case hex HMAC-SHA256 of
// the body, keyed with the secret as UTF-8 bytes; when the timestamp header
// is present, of "TIMESTAMP:BODY" and the timestamp (Unix seconds) must be
// within maxSkew of now.
type verifier struct {
	secret           []byte
	header, tsHeader string
	maxSkew          time.Duration
	now              func() time.Time
}

func (v *verifier) verify(r *http.Request, body []byte) error {
	got := strings.TrimSpace(r.Header.Get(v.header))
	if got == "" {
		return webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature,
			"missing %s: GRAFANA_WEBHOOK_SECRET is set, so the contact point must sign (Optional Webhook settings → HMAC Signature)", v.header)
	}
	sig, err := hex.DecodeString(strings.TrimPrefix(got, "sha256="))
	if err != nil {
		return webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature, "%s is not a hex HMAC-SHA256", v.header)
	}
	mac := hmac.New(sha256.New, v.secret)
	if ts := strings.TrimSpace(r.Header.Get(v.tsHeader)); ts != "" {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature, "%s is not a Unix time in seconds", v.tsHeader)
		}
		if d := v.now().Sub(time.Unix(sec, 0)); d > v.maxSkew || d < -v.maxSkew {
			return webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature,
				"%s is %s away from warroom's clock (limit %s): a replay, or a clock out of sync", v.tsHeader, d.Round(time.Second), v.maxSkew)
		}
		mac.Write([]byte(ts))
		mac.Write([]byte{':'})
	}
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), sig) {
		return webhook.Refuse(http.StatusUnauthorized, webhook.ReasonSignature,
			"wrong %s: the contact point's HMAC secret differs from GRAFANA_WEBHOOK_SECRET", v.header)
	}
	return nil
}
