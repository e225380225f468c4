package slacktest

import (
	"fmt"
	"math"
	"net/http"
	"time"
)

// Limits are Slack's published limits as the fake enforces them: chat
// writes (chat.postMessage, chat.update) to one channel at about one a
// second, with short bursts allowed. A write over the limit is answered
// 429 with Retry-After, as Slack answers it.
type Limits struct {
	ChannelEvery time.Duration // one write per channel per ChannelEvery; 0: not enforced
	ChannelBurst int           // writes a quiet channel may take at once; default 1
}

// limits is the enforcement state; the server's mutex guards it.
type limits struct {
	Limits
	tokens  map[string]bucket // per channel
	limited int               // 429s answered
	// revokedUntil ends a revocation (RevokeFor); zero: until Revoke("").
	revokedUntil time.Time
}

// bucket is a token bucket: tokens left at at.
type bucket struct {
	tokens float64
	at     time.Time
}

// EnforceLimits makes the fake answer 429 to writes over l.
func (s *Server) EnforceLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l.ChannelBurst = max(l.ChannelBurst, 1)
	s.limits.Limits, s.limits.tokens = l, map[string]bucket{}
}

// EnforcePace makes the fake answer 429 to a second chat write in a channel
// within d (no burst).
func (s *Server) EnforcePace(d time.Duration) {
	s.EnforceLimits(Limits{ChannelEvery: d, ChannelBurst: 1})
}

// Limited counts the 429s the limits answered.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits.limited
}

// RevokeFor makes every call fail with err ("invalid_auth",
// "token_revoked") for d, then accepts the token again: an auth blip.
func (s *Server) RevokeFor(err string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked, s.limits.revokedUntil = err, time.Now().Add(d)
}

// revokedNow is the error every call answers now, or "". Callers hold mu.
func (s *Server) revokedNow() string {
	if !s.limits.revokedUntil.IsZero() && !time.Now().Before(s.limits.revokedUntil) {
		s.revoked, s.limits.revokedUntil = "", time.Time{}
	}
	return s.revoked
}

// overLimit answers 429 to a chat write over its channel's limit, and
// reports whether it did. Callers hold mu.
func (s *Server) overLimit(w http.ResponseWriter, method string, params map[string]string) bool {
	l := &s.limits
	if l.ChannelEvery <= 0 || (method != "chat.postMessage" && method != "chat.update") {
		return false
	}
	ch, now := s.resolve(params["channel"]), time.Now()
	b, ok := l.tokens[ch]
	if !ok {
		b = bucket{tokens: float64(l.ChannelBurst), at: now}
	}
	b.tokens = min(float64(l.ChannelBurst), b.tokens+float64(now.Sub(b.at))/float64(l.ChannelEvery))
	b.at = now
	if b.tokens < 1 {
		l.tokens[ch] = b
		l.limited++
		wait := time.Duration((1 - b.tokens) * float64(l.ChannelEvery))
		w.Header().Set("Retry-After", fmt.Sprint(max(1, int(math.Ceil(wait.Seconds())))))
		s.answerLocked(w, method, params, http.StatusTooManyRequests, errBody("ratelimited"))
		return true
	}
	b.tokens--
	l.tokens[ch] = b
	return false
}
