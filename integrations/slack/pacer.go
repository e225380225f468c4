package slack

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer keeps warroom inside Slack's limits one channel at a time: writes
// to a channel (chat.postMessage, chat.update) are spaced by its interval,
// and a 429 pauses only the channel it came from, so other channels keep
// flowing. A job that may not write yet is handed back to the outbox with
// the wait as its retry hint; by the time it runs again, the card has
// coalesced every change made meanwhile.
type pacer struct {
	mu     sync.Mutex
	every  time.Duration
	now    func() time.Time
	chans  map[string]*channelPace
	pauses int // 429s seen, for tests and logs
}

type channelPace struct {
	lim   *rate.Limiter
	until time.Time // paused until, after a 429
	last  time.Time // last use, for pruning
}

func newPacer(every time.Duration, now func() time.Time) *pacer {
	return &pacer{every: every, now: now, chans: map[string]*channelPace{}}
}

func (p *pacer) channel(ch string, now time.Time) *channelPace {
	c := p.chans[ch]
	if c == nil {
		if len(p.chans) > 10_000 {
			p.prune(now)
		}
		lim := rate.NewLimiter(rate.Inf, 1)
		if p.every > 0 {
			lim = rate.NewLimiter(rate.Every(p.every), 1)
		}
		c = &channelPace{lim: lim}
		p.chans[ch] = c
	}
	c.last = now
	return c
}

// prune forgets channels idle for an hour.
func (p *pacer) prune(now time.Time) {
	for k, c := range p.chans {
		if now.Sub(c.last) > time.Hour && !now.Before(c.until) {
			delete(p.chans, k)
		}
	}
}

// wait reports how long channel ch is paused by a 429, or 0.
func (p *pacer) wait(ch string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	return max(p.channel(ch, now).until.Sub(now), 0)
}

// take claims a write slot in channel ch. It returns 0 when the write may
// go now (and uses the slot), or how long to wait (using nothing).
func (p *pacer) take(ch string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	c := p.channel(ch, now)
	if d := c.until.Sub(now); d > 0 {
		return d
	}
	r := c.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// pause stops writes to channel ch for d, as a 429's Retry-After asks.
func (p *pacer) pause(ch string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	c := p.channel(ch, now)
	if u := now.Add(d); u.After(c.until) {
		c.until = u
	}
	p.pauses++
}

// gate stops all Slack delivery after an authentication failure
// (invalid_auth, token_revoked, account_inactive): nothing sent with a bad
// token can succeed, so jobs wait instead of failing one by one, and the
// error is logged once. After the hold, one job probes again; success
// reopens the gate.
type gate struct {
	mu     sync.Mutex
	hold   time.Duration
	until  time.Time
	closed bool
}

// check returns how long delivery stays stopped, or 0 when a call may go.
func (g *gate) check(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		return 0
	}
	if now.Before(g.until) {
		return g.until.Sub(now)
	}
	g.until = now.Add(g.hold) // let this one call probe; others keep waiting
	return 0
}

// trip stops delivery; it reports whether it was open before (log once).
func (g *gate) trip(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	was := !g.closed
	g.closed, g.until = true, now.Add(g.hold)
	return was
}

// open reopens delivery; it reports whether it was stopped.
func (g *gate) open() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	was := g.closed
	g.closed = false
	return was
}
