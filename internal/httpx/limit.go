package httpx

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter counts failures per client, e.g. wrong passwords per remote
// address: a client may fail Burst times at once and then once per Every.
// The zero value is not usable; build one with NewLimiter.
type Limiter struct {
	every time.Duration
	burst int
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*rate.Limiter
}

// maxClients bounds the memory a flood of addresses can take: past it, the
// clients whose budget is full again are forgotten.
const maxClients = 10000

// NewLimiter allows burst failures at once and one more every every; now
// is the clock (nil: time.Now).
func NewLimiter(every time.Duration, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if burst < 1 {
		burst = 1
	}
	return &Limiter{every: every, burst: burst, now: now, clients: map[string]*rate.Limiter{}}
}

// Blocked reports whether key has spent its failures, and if so how long
// until it may try again.
func (l *Limiter) Blocked(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.clients[key]
	if !ok {
		return 0, false
	}
	tokens := lim.TokensAt(l.now())
	if tokens >= 1 {
		return 0, false
	}
	return time.Duration((1 - tokens) * float64(l.every)), true
}

// Fail spends one of key's failures.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	lim, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= maxClients {
			l.forget(now)
		}
		lim = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.clients[key] = lim
	}
	lim.AllowN(now, 1)
}

// forget drops the clients whose budget has refilled.
func (l *Limiter) forget(now time.Time) {
	for k, lim := range l.clients {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
}

// ClientAddr is the address a request came from, without port: the
// connection's peer, never a forwarded-for header a client may forge.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
