package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// Slack request signing (v0).
const (
	headerSignature = "X-Slack-Signature"
	headerTimestamp = "X-Slack-Request-Timestamp"
	signaturePrefix = "v0="
	// MaxSkew is how far a request's timestamp may be from now, either way.
	MaxSkew = 5 * time.Minute
)

var errBadSignature = errors.New("bad slack signature")

// Sign computes the v0 signature Slack sends for body at timestamp ts with
// secret. Tests and tools use it to sign requests.
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// verify checks a request's v0 signature over its raw body against the
// current and the previous signing secret. It never says why a check
// failed, and never computes anything into an error or a log.
func (s *Slack) verify(h http.Header, body []byte) error {
	sigs, tss := h.Values(headerSignature), h.Values(headerTimestamp)
	if len(sigs) != 1 || len(tss) != 1 || len(s.secrets) == 0 {
		return errBadSignature
	}
	ts, err := strconv.ParseInt(tss[0], 10, 64)
	if err != nil || ts <= 0 || strconv.FormatInt(ts, 10) != tss[0] {
		return errBadSignature
	}
	now := s.now().Unix()
	if d := now - ts; d > int64(MaxSkew/time.Second) || d < -int64(MaxSkew/time.Second) {
		return errBadSignature
	}
	sig := sigs[0]
	if len(sig) != len(signaturePrefix)+2*sha256.Size || sig[:len(signaturePrefix)] != signaturePrefix {
		return errBadSignature
	}
	got, err := hex.DecodeString(sig[len(signaturePrefix):])
	if err != nil || hex.EncodeToString(got) != sig[len(signaturePrefix):] {
		return errBadSignature // only Slack's own spelling: lower-case hex
	}
	ok := false
	for _, sec := range s.secrets {
		m := hmac.New(sha256.New, sec)
		m.Write([]byte("v0:" + tss[0] + ":"))
		m.Write(body)
		if hmac.Equal(got, m.Sum(nil)) {
			ok = true
		}
	}
	if !ok {
		return errBadSignature
	}
	return nil
}

// replaySource names the signed requests seen, in the store's seen table.
const replaySource = "slack.request"

// verified reads the raw body (at most 1 MiB), checks its signature before
// anything parses it, and hands the body to next. A failure is a plain 401
// that says nothing more. With once, a request (its timestamp and
// signature) is handled once: a replay inside the skew window is a 409 that
// changes nothing. Events go without: Slack may redeliver one, and its
// event_id deduplicates it.
func (s *Slack) verified(once bool, next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				httpx.WriteError(w, http.StatusRequestEntityTooLarge, "the request body is larger than 1 MiB")
				return
			}
			httpx.WriteError(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		if err := s.verify(r.Header, body); err != nil {
			httpx.WriteError(w, http.StatusUnauthorized, "invalid Slack signature")
			return
		}
		if once {
			key := r.Header.Get(headerTimestamp) + ":" + r.Header.Get(headerSignature)
			first, err := s.svc.SeeDelivery(r.Context(), bot.Delivery{Source: replaySource, Key: key})
			if err != nil {
				s.log.Warn("record slack request", "err", err)
				httpx.WriteError(w, http.StatusServiceUnavailable, "could not record the request; try again")
				return
			}
			if !first {
				httpx.WriteError(w, http.StatusConflict, "this request was handled already")
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r, body)
	})
}
