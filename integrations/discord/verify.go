package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/internal/httpx"
)

// Discord's request signing: Ed25519 over timestamp + raw body.
const (
	headerSignature = "X-Signature-Ed25519"
	headerTimestamp = "X-Signature-Timestamp"
	// MaxSkew is how far a request's timestamp may be from now, either way;
	// a captured request is worthless after it.
	MaxSkew = 5 * time.Minute
)

// Sign signs body at ts with priv as Discord signs interactions. Tests and
// tools use it.
func Sign(priv ed25519.PrivateKey, ts int64, body []byte) string {
	msg := append([]byte(strconv.FormatInt(ts, 10)), body...)
	return hex.EncodeToString(ed25519.Sign(priv, msg))
}

// verify checks a request before anything parses it: one signature of the
// right length, one timestamp within MaxSkew of now, then
// discordgo.VerifyInteraction over the capped body (it checks no age and
// reads what it is given, so both are checked here first). It says
// nothing of why a check failed.
func (d *Discord) verify(r *http.Request, body []byte) bool {
	sigs, tss := r.Header.Values(headerSignature), r.Header.Values(headerTimestamp)
	if len(sigs) != 1 || len(tss) != 1 || len(sigs[0]) != 2*ed25519.SignatureSize || len(d.key) != ed25519.PublicKeySize {
		return false
	}
	if strings.ToLower(sigs[0]) != sigs[0] {
		return false // only the canonical spelling: lower-case hex
	}
	ts, err := strconv.ParseInt(tss[0], 10, 64)
	if err != nil || ts <= 0 || strconv.FormatInt(ts, 10) != tss[0] {
		return false
	}
	skew := int64(MaxSkew / time.Second)
	if dt := d.now().Unix() - ts; dt > skew || dt < -skew {
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return discordgo.VerifyInteraction(r, d.key)
}

// verified reads the raw body (at most 1 MiB), verifies it and hands it to
// next. Every failure, an oversized body included, is a plain 401: Discord
// probes the endpoint with bad signatures and drops endpoints that accept
// them.
func (d *Discord) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody))
		if err != nil || !d.verify(r, body) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}
