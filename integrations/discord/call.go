package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// errStopped is the error of a job that waits while delivery is stopped.
var errStopped = errors.New("discord delivery is stopped: the bot token was refused")

// pacedError says a call was not made because it must wait: its route's
// bucket is spent, a 429 paused it, or its message was written just now.
type pacedError struct {
	what string
	wait time.Duration
}

func (e *pacedError) Error() string {
	return fmt.Sprintf("%s: rate limited, next call in %s", e.what, e.wait)
}

// paced reports how long a call held back by the Budget must wait.
func paced(err error) (time.Duration, bool) {
	var p *pacedError
	if errors.As(err, &p) {
		return p.wait, true
	}
	return 0, false
}

// rest makes one REST call through discordgo's client and turns its
// failure into what the outbox understands: a spent bucket or a 429 waits
// (RetryAfter) without spending an attempt's worth of calls; a 401
// stops all delivery for the hold (jobs wait, one error is logged, then one
// call probes); a 403 (the bot's permissions on one channel) fails only its
// job, as other 4xx do, which are permanent; the rest retries. pace, when set,
// names the message the call writes, spaced by the Budget. The response
// is decoded into out when it is not nil.
func (d *Discord) rest(ctx context.Context, method, endpoint, pace string, in, out any) error {
	return d.restBody(ctx, method, endpoint, pace, func(ctx context.Context, route string) ([]byte, error) {
		return d.api.RequestWithBucketID(method, endpoint, in, route, discordgo.WithContext(ctx))
	}, out)
}

// restBody is rest with the request made by send (multipart uploads).
func (d *Discord) restBody(ctx context.Context, method, endpoint, pace string, send func(ctx context.Context, route string) ([]byte, error), out any) error {
	route := endpointRoute(method, endpoint)
	what := route
	now := d.now()
	if w := d.gate.check(now); w > 0 {
		return bot.RetryAfter(errStopped, w)
	}
	if w := d.budget.Wait(route, now); w > 0 {
		return bot.RetryAfter(&pacedError{what: what, wait: w}, w)
	}
	if pace != "" {
		if w := d.budget.Pace(pace, now); w > 0 {
			return bot.RetryAfter(&pacedError{what: what, wait: w}, w)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	body, err := send(cctx, route)
	if err == nil {
		if d.gate.open() {
			d.log.Info("discord accepted the bot token again: delivery resumed")
		}
		if out != nil && len(body) > 0 {
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("%s: decode answer: %w", what, err)
			}
		}
		return nil
	}
	return d.classify(what, err)
}

// classify turns a failed call into an outbox error.
func (d *Discord) classify(what string, err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return bot.RetryAfter(fmt.Errorf("%s: rate limited", what), max(rl.RetryAfter, time.Second))
	}
	status, code := restStatus(err)
	err = fmt.Errorf("%s: %w", what, cleanError(err))
	switch {
	case status == http.StatusUnauthorized:
		if d.gate.trip(d.now()) {
			d.log.Error("discord refused the bot token: Discord delivery is stopped and jobs wait; "+
				"fix DISCORD_BOT_TOKEN", "status", status, "discord_code", code, "probe_every", d.cfg.AuthHold)
		}
		return bot.RetryAfter(errStopped, d.cfg.AuthHold)
	case status == http.StatusForbidden:
		// Missing Access or Missing Permissions on one channel (or a user
		// who takes no direct messages): the token works, so only this job
		// fails; every other channel goes on
		d.log.Warn("discord refused a call for the bot's permissions on one channel; "+
			"give the bot's role access there (the job is dead-lettered: replay it with warroom outbox)",
			"call", what, "discord_code", code)
		return bot.Permanent(err)
	case status == http.StatusTooManyRequests:
		return bot.RetryAfter(err, time.Second)
	case status >= 400 && status < 500 && status != http.StatusRequestTimeout:
		return bot.Permanent(err)
	}
	return err // network errors, 5xx
}

// restStatus returns the HTTP status and Discord's JSON error code of a
// failed call, or zeros.
func restStatus(err error) (status, code int) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.status, ae.code
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		if re.Message != nil {
			code = re.Message.Code
		}
		return re.Response.StatusCode, code
	}
	return 0, 0
}

// Discord's JSON error codes warroom acts on.
const (
	codeUnknownChannel = 10003
	codeUnknownMessage = 10008
)

// apiError is a REST error as warroom keeps it: its status and Discord's
// code and message, never the request (its URL may carry an interaction
// token).
type apiError struct {
	status, code int
	msg          string
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("HTTP %d", e.status)
	}
	return fmt.Sprintf("HTTP %d: %s (code %d)", e.status, e.msg, e.code)
}

// cleanError turns a discordgo REST error into an apiError.
func cleanError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		ae := &apiError{status: re.Response.StatusCode}
		if re.Message != nil {
			ae.code, ae.msg = re.Message.Code, re.Message.Message
		}
		return ae
	}
	return err
}

// gate stops all Discord delivery after a 401: nothing sent with a
// refused token can succeed, and each refusal counts towards Discord's
// invalid-request ban. Jobs wait instead of failing; after the hold one
// call probes, and success reopens the gate.
type gate struct {
	mu     sync.Mutex
	hold   time.Duration
	until  time.Time
	closed bool
}

func (g *gate) check(now time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		return 0
	}
	if now.Before(g.until) {
		return g.until.Sub(now)
	}
	g.until = now.Add(g.hold) // this call probes; others keep waiting
	return 0
}

func (g *gate) trip(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	was := !g.closed
	g.closed, g.until = true, now.Add(g.hold)
	return was
}

func (g *gate) open() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	was := g.closed
	g.closed = false
	return was
}

// record is what warroom keeps about one thing it did in Discord, in the
// body of a bot.PostedMessage: the hash of a message's rendering (to skip
// edits that change nothing) and small state (the room's name and tags,
// who was added, names asked for).
type record struct {
	Hash  string   `json:"hash,omitempty"`
	Text  string   `json:"text,omitempty"`
	Tags  []string `json:"tags,omitempty"`
	Users []string `json:"users,omitempty"`
	// Asked says a create was sent at AskedAt; its outcome is unknown
	// until its id is recorded (reconcile.go).
	Asked   bool      `json:"asked,omitempty"`
	AskedAt time.Time `json:"asked_at,omitzero"`
}

// load returns the message stored under ref and its record; nil when none.
func (d *Discord) load(ctx context.Context, ref string) (*bot.PostedMessage, record, error) {
	var rec record
	pm, err := d.svc.PostedRecord(ctx, Platform, ref, &rec)
	return pm, rec, err
}

// save stores pm with rec as its body.
func (d *Discord) save(ctx context.Context, pm *bot.PostedMessage, rec record) error {
	return d.svc.SavePostedRecord(ctx, Platform, pm, rec)
}
