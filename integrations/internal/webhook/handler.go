package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// Sink takes the alerts of one delivery in one call and commits them before
// it returns; *bot.Service is one.
type Sink interface {
	HandleAlerts(ctx context.Context, cause bot.Cause, alerts []bot.Alert) (bot.AlertResult, error)
}

// Delivery is what a decoder made of one request.
type Delivery struct {
	Alerts []bot.Alert
	// Truncated is how many alerts the sender said it left out.
	Truncated int
	// Reply, when Alerts is empty, is answered with 200 as it is (e.g. an
	// SNS subscription confirmed). When nil an empty delivery is answered
	// {"accepted":0,...} and counted as ignored.
	Reply any
}

// Decoder turns one request's body into a delivery. Its errors are 400s
// naming the problem, unless they are a *Refusal.
type Decoder func(ctx context.Context, r *http.Request, body []byte) (Delivery, error)

// Config describes one receiver.
type Config struct {
	Source string // the source label and bot.Alert.Source: alertmanager, grafana, ...
	Sender string // the sender's name for log lines, e.g. "Prometheus Alertmanager"
	// Token is WARROOM_WEBHOOK_TOKEN. When empty every delivery is refused,
	// unless Signed is set.
	Token string
	// Signed receivers authenticate by a signature their decoder checks
	// (SNS) instead of the token.
	Signed bool
	// MediaTypes are the accepted Content-Types; nil means application/json.
	MediaTypes []string
	// Verify, when set, checks the raw body after the token (e.g. Grafana's
	// HMAC signature). Its error refuses the delivery with 401.
	Verify func(r *http.Request, body []byte) error
	// VerifyBearer, when set, accepts a bearer token that is not Token when
	// it returns nil: a token the sender obtained from an identity provider
	// (Azure's secure webhooks send a Microsoft Entra ID token).
	VerifyBearer func(ctx context.Context, token string) error
	Decode       Decoder
	Now          func() time.Time // nil: time.Now (log throttling)
}

// Handler serves one receiver's route.
type Handler struct {
	cfg     Config
	sink    Sink
	metrics *Metrics
	log     *slog.Logger
	logs    *throttle
}

// RetryAfter is the Retry-After header sent with 503 answers, in seconds.
const RetryAfter = "5"

// New builds a receiver's handler. metrics may be shared by every receiver.
func New(cfg Config, sink Sink, metrics *Metrics, log *slog.Logger) (*Handler, error) {
	if cfg.Source == "" || cfg.Decode == nil {
		return nil, errors.New("webhook: source and decoder are required")
	}
	if sink == nil {
		return nil, fmt.Errorf("webhook %s: nil alert sink", cfg.Source)
	}
	if metrics == nil {
		var err error
		if metrics, err = NewMetrics(nil); err != nil {
			return nil, err
		}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Sender == "" {
		cfg.Sender = cfg.Source
	}
	if cfg.MediaTypes == nil {
		cfg.MediaTypes = []string{"application/json"}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{cfg: cfg, sink: sink, metrics: metrics, log: log.With("integration", cfg.Source), logs: newThrottle(cfg.Now)}, nil
}

// Answer is the JSON body of a committed delivery.
type Answer struct {
	Accepted   int     `json:"accepted"`
	Duplicates int     `json:"duplicates"`
	Suppressed int     `json:"suppressed"`
	Incidents  []int64 `json:"incidents"`
}

// ServeHTTP receives one delivery.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.cfg.Signed {
		if name := queryToken(r); name != "" {
			h.refuse(w, r, http.StatusUnauthorized, ReasonAuth,
				fmt.Sprintf("a token in the query string (%q) is never accepted, even when right: send it as Authorization: Bearer $WARROOM_WEBHOOK_TOKEN (or as the basic-auth password) and remove it from the URL", name))
			return
		}
		if msg := h.checkToken(r); msg != "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
			h.refuse(w, r, http.StatusUnauthorized, ReasonAuth, msg)
			return
		}
	}
	if r.ContentLength > httpx.MaxBody {
		w.Header().Set("Connection", "close")
		h.refuse(w, r, http.StatusRequestEntityTooLarge, ReasonTooLarge, "the request body is larger than 1 MiB")
		return
	}
	if !h.mediaTypeOK(r) {
		h.refuse(w, r, http.StatusUnsupportedMediaType, ReasonContentType,
			fmt.Sprintf("Content-Type %q is not accepted here: send %s", r.Header.Get("Content-Type"), joinOr(h.cfg.MediaTypes)))
		return
	}
	body, err := readBody(http.MaxBytesReader(w, r.Body, httpx.MaxBody), r.ContentLength)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, ReasonTooLarge, "the request body is larger than 1 MiB")
			return
		}
		h.refuse(w, r, http.StatusBadRequest, ReasonMalformed, "the request body could not be read")
		return
	}
	if h.cfg.Verify != nil {
		if err := h.cfg.Verify(r, body); err != nil {
			h.refuseErr(w, r, err, http.StatusUnauthorized, ReasonSignature)
			return
		}
	}
	d, err := h.cfg.Decode(r.Context(), r, body)
	if err != nil {
		h.refuseErr(w, r, err, http.StatusBadRequest, ReasonMalformed)
		return
	}
	h.metrics.Truncated(h.cfg.Source, d.Truncated)
	if d.Truncated > 0 {
		h.log.Warn("the sender left alerts out of a delivery (truncatedAlerts): only the alerts sent are recorded",
			"truncated", d.Truncated, "sent", len(d.Alerts))
	}
	if len(d.Alerts) == 0 {
		h.metrics.deliveries.WithLabelValues(h.cfg.Source, "ignored").Inc()
		if d.Reply != nil {
			httpx.WriteJSON(w, http.StatusOK, d.Reply)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, Answer{Incidents: []int64{}})
		return
	}
	for i := range d.Alerts {
		d.Alerts[i].Source = h.cfg.Source
	}
	res, err := h.sink.HandleAlerts(r.Context(), bot.Cause{}, d.Alerts)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.count(res)
	incidents := res.Incidents
	if incidents == nil {
		incidents = []int64{}
	}
	httpx.WriteJSON(w, http.StatusOK, Answer{
		Accepted: res.Accepted, Duplicates: res.Duplicates, Suppressed: res.Suppressed, Incidents: incidents,
	})
}

// count records a committed delivery.
func (h *Handler) count(res bot.AlertResult) {
	outcome := "accepted"
	if res.Accepted == 0 && res.Suppressed == 0 && res.Duplicates > 0 {
		outcome = "duplicate"
	}
	h.metrics.deliveries.WithLabelValues(h.cfg.Source, outcome).Inc()
	for name, n := range map[string]int{"accepted": res.Accepted, "duplicate": res.Duplicates, "suppressed": res.Suppressed} {
		if n > 0 {
			h.metrics.alerts.WithLabelValues(h.cfg.Source, name).Add(float64(n))
		}
	}
}

// domainError answers an error of HandleAlerts: invalid 400, unavailable
// 503 with Retry-After (the sender retries), anything else 500 (the sender
// retries too).
func (h *Handler) domainError(w http.ResponseWriter, r *http.Request, err error) {
	switch bot.ErrorCode(err) {
	case bot.CodeInvalid:
		h.refuse(w, r, http.StatusBadRequest, ReasonInvalid, bot.ErrorMessage(err))
	case bot.CodeUnavailable:
		h.metrics.refuse(h.cfg.Source, ReasonUnavailable)
		h.log.Warn("webhook delivery answered 503: warroom is shedding load; the sender retries later",
			"sender", h.cfg.Sender, "err", err)
		w.Header().Set("Retry-After", RetryAfter)
		httpx.WriteError(w, http.StatusServiceUnavailable, bot.ErrorMessage(err))
	default:
		h.metrics.refuse(h.cfg.Source, ReasonInternal)
		h.log.Error("webhook delivery failed with 500: the sender retries it", "sender", h.cfg.Sender, "err", err)
		httpx.WriteError(w, http.StatusInternalServerError, "internal error: the delivery was not recorded, retry it")
	}
}

// refuseErr answers a decoder's or verifier's error: a *Refusal as it says,
// anything else with status and reason.
func (h *Handler) refuseErr(w http.ResponseWriter, r *http.Request, err error, status int, reason string) {
	var rf *Refusal
	if errors.As(err, &rf) {
		if rf.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", RetryAfter)
		}
		h.refuse(w, r, rf.Status, rf.Reason, rf.Msg)
		return
	}
	h.refuse(w, r, status, reason, err.Error())
}

// refuse answers status with msg, counts the refusal and logs it so that
// it can be alerted on: most senders drop a delivery answered 4xx for good.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, reason, msg string) {
	h.metrics.refuse(h.cfg.Source, reason)
	ok, held := h.logs.allow(reason)
	if !ok {
		httpx.WriteError(w, status, msg)
		return
	}
	attrs := []any{"refusals_not_logged", held, "sender", h.cfg.Sender, "status", status, "reason", reason, "problem", msg,
		"remote", r.RemoteAddr, "user_agent", r.UserAgent()}
	if status >= 500 {
		h.log.Warn("webhook delivery refused; the sender retries it later", attrs...)
	} else {
		h.log.Error("webhook delivery refused: the sender drops a delivery answered 4xx without retrying, so its alerts are lost; fix the sender's configuration", attrs...)
	}
	httpx.WriteError(w, status, msg)
}

// Refusal is an error that says how to answer.
type Refusal struct {
	Status int
	Reason string // one of the Reason constants
	Msg    string // shown to the sender
}

func (r *Refusal) Error() string { return r.Msg }

// Refuse builds a Refusal.
func Refuse(status int, reason, format string, args ...any) *Refusal {
	return &Refusal{Status: status, Reason: reason, Msg: fmt.Sprintf(format, args...)}
}

// mediaTypeOK reports whether the Content-Type is one the receiver reads.
func (h *Handler) mediaTypeOK(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && slices.Contains(h.cfg.MediaTypes, mt)
}

func joinOr(types []string) string {
	out := ""
	for i, t := range types {
		switch {
		case i == 0:
		case i == len(types)-1:
			out += " or "
		default:
			out += ", "
		}
		out += "Content-Type: " + t
	}
	return out
}

// readBody reads the whole body. With a Content-Length it reads into one
// buffer of that size (io.ReadAll would grow and copy one several times),
// still reading on when the body runs longer than announced.
func readBody(body io.Reader, length int64) ([]byte, error) {
	if length <= 0 || length > httpx.MaxBody {
		return io.ReadAll(body)
	}
	buf := make([]byte, 0, length+1) // +1: the end is seen without growing
	for {
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, err
		case len(buf) == cap(buf):
			rest, err := io.ReadAll(body)
			return append(buf, rest...), err
		}
	}
}
