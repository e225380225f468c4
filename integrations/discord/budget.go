package discord

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Budget keeps warroom inside Discord's rate limits. Discord answers every
// call with its route's bucket (X-RateLimit-Remaining, -Reset-After,
// -Global) and answers 429 with a retry_after; more than 10,000 401, 403
// and 429 answers in ten minutes ban the bot's IP for an hour. A Budget
// learns from every answer and says when the next call on a route may go,
// so no job sleeps and no call is made that Discord would refuse.
//
// NewBudget's is kept in this process. An application running several
// replicas passes one that keeps the same state in the database; the
// interface is all this package needs.
type Budget interface {
	// Wait reports how long a call on route must wait (a spent bucket, a
	// 429's retry_after, a global limit, too many refusals); 0: it may go.
	Wait(route string, now time.Time) time.Duration
	// Pace claims a write slot of key (one message): 0 when the write may
	// go now (the slot is used), else how long to wait (nothing used).
	Pace(key string, now time.Time) time.Duration
	// Observe records Discord's answer to a call on route.
	Observe(route string, status int, h http.Header, now time.Time)
}

// Refusals: well inside Discord's ban of 10,000 in ten minutes.
const (
	refusalWindow = 10 * time.Minute
	maxRefusals   = 1000
)

// memBudget is the per-process Budget.
type memBudget struct {
	mu       sync.Mutex
	every    time.Duration
	routes   map[string]time.Time // route → calls wait until
	global   time.Time
	pace     map[string]*rate.Limiter
	refusals []time.Time // 401, 403 and 429 answers in the window
}

// NewBudget returns a per-process Budget that also spaces writes to one
// message by every (0: no spacing).
func NewBudget(every time.Duration) Budget {
	return &memBudget{every: every, routes: map[string]time.Time{}, pace: map[string]*rate.Limiter{}}
}

func (b *memBudget) Wait(route string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	until := b.routes[route]
	if b.global.After(until) {
		until = b.global
	}
	b.trim(now)
	if len(b.refusals) >= maxRefusals {
		if u := b.refusals[0].Add(refusalWindow); u.After(until) {
			until = u
		}
	}
	return max(until.Sub(now), 0)
}

func (b *memBudget) Pace(key string, now time.Time) time.Duration {
	if b.every <= 0 || key == "" {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	lim := b.pace[key]
	if lim == nil {
		if len(b.pace) > 10_000 {
			clear(b.pace)
		}
		lim = rate.NewLimiter(rate.Every(b.every), 1)
		b.pace[key] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

func (b *memBudget) Observe(route string, status int, h http.Header, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if status == http.StatusUnauthorized || status == http.StatusForbidden ||
		(status == http.StatusTooManyRequests && h.Get("X-RateLimit-Scope") != "shared") {
		b.trim(now)
		b.refusals = append(b.refusals, now)
	}
	after, global, ok := pauseOf(status, h)
	if !ok {
		delete(b.routes, route)
		return
	}
	until := now.Add(after)
	if global {
		b.global = until
		return
	}
	if len(b.routes) > 10_000 {
		clear(b.routes)
	}
	b.routes[route] = until
}

// pauseOf reads how long an answer pauses its route (or every route, when
// global): a 429's retry_after or reset, or a bucket with nothing left
// until its reset. ok is false when the answer pauses nothing.
func pauseOf(status int, h http.Header) (after time.Duration, global, ok bool) {
	switch {
	case status == http.StatusTooManyRequests:
		after = seconds(h.Get("Retry-After"))
		if a := seconds(h.Get("X-RateLimit-Reset-After")); a > after {
			after = a
		}
		return max(after, time.Second), h.Get("X-RateLimit-Global") != "", true
	case h.Get("X-RateLimit-Remaining") == "0":
		return seconds(h.Get("X-RateLimit-Reset-After")), false, true
	}
	return 0, false, false
}

// trim forgets refusals older than the window.
func (b *memBudget) trim(now time.Time) {
	i := 0
	for i < len(b.refusals) && now.Sub(b.refusals[i]) > refusalWindow {
		i++
	}
	b.refusals = b.refusals[i:]
}

// seconds reads a header holding seconds, possibly fractional.
func seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || f > 86400 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

var snowflake = regexp.MustCompile(`^[0-9]{5,20}$`)

// routeOf is a call's rate-limit route: its method and path with the major
// parameters (channel, guild, webhook) kept and every other id, and every
// token, replaced, as Discord groups its buckets.
func routeOf(method, path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range parts {
		prev := ""
		if i > 0 {
			prev = parts[i-1]
		}
		switch {
		case prev == "interactions" || (i >= 2 && parts[i-2] == "interactions"):
			parts[i] = ":x" // interaction id and token
		case i >= 2 && parts[i-2] == "webhooks":
			parts[i] = ":token"
		case snowflake.MatchString(parts[i]) && prev != "channels" && prev != "guilds" && prev != "webhooks":
			parts[i] = ":id"
		}
	}
	return method + " /" + strings.Join(parts, "/")
}
