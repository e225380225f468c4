package pagerduty

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// defaultRetryAfter is the wait after a 429 that named none.
const defaultRetryAfter = 30 * time.Second

// capture is what the transport saw of a failed response; go-pagerduty's
// errors keep neither the Retry-After header nor the Events API's message.
type capture struct {
	status     int
	retryAfter time.Duration
	body       []byte
}

type captureKey struct{}

// withCapture returns ctx carrying a fresh capture.
func withCapture(ctx context.Context) (context.Context, *capture) {
	c := &capture{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// capturing is the HTTP client handed to go-pagerduty: it records a failed
// response's status, Retry-After and body in the request's capture.
type capturing struct{ c *http.Client }

func (t *capturing) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.c.Do(req)
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	cp, _ := req.Context().Value(captureKey{}).(*capture)
	if cp == nil {
		return resp, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	cp.status, cp.body = resp.StatusCode, body
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
		cp.retryAfter = time.Duration(s) * time.Second
	}
	return resp, nil
}

// message digs PagerDuty's own words out of an error body: the Events API's
// {"status","message","errors"} or REST's {"error":{"message","errors"}}.
func (cp *capture) message() string {
	var ev struct {
		Status  string   `json:"status"`
		Message string   `json:"message"`
		Errors  []string `json:"errors"`
		Error   *struct {
			Message string   `json:"message"`
			Code    int      `json:"code"`
			Errors  []string `json:"errors"`
		} `json:"error"`
	}
	if json.Unmarshal(cp.body, &ev) != nil {
		return ""
	}
	parts := []string{}
	if ev.Error != nil {
		parts = append(parts, ev.Error.Message)
		parts = append(parts, ev.Error.Errors...)
	} else {
		parts = append(parts, ev.Message)
		parts = append(parts, ev.Errors...)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return bot.SanitizeText(strings.Join(out, ": "), 500)
}

// ErrRefused is PagerDuty refusing warroom's credentials (401/403).
var ErrRefused = errors.New("PagerDuty refused the credentials (check PAGERDUTY_TOKEN, PAGERDUTY_ROUTING_KEY and the From address)")

// Budgets: the Events API takes about 120 events a minute per routing key,
// so events to one key are paced a little under it (bursts of 10, then one
// every 550 ms: at most 120 in any minute), and a 429 pauses that key on
// every replica until its Retry-After. REST calls wait while REST is paused
// after a 429, or held after PagerDuty refused the token.
const (
	eventsEvery = 550 * time.Millisecond
	eventsBurst = 10
	restBucket  = "rest"
)

// eventsBucket names a routing key's budget without writing the key (a
// secret) into the database.
func eventsBucket(routingKey string) string {
	sum := sha256.Sum256([]byte(routingKey))
	return "events:" + hex.EncodeToString(sum[:6])
}

// budgetWait is the error of a call held back by a budget.
type budgetWait struct{ what, bucket string }

func (e *budgetWait) Error() string {
	return fmt.Sprintf("%s: PagerDuty %s is paced or paused", e.what, e.bucket)
}

// admit runs before a call of bucket: a REST call waits while REST is held
// (probe says this call probes it) or paused; an event waits while its
// routing key is paused, or until its pacing slot.
func (c *Client) admit(ctx context.Context, what, bucket string) (probe bool, err error) {
	var d time.Duration
	if bucket == restBucket {
		// the hold and the pause, one read
		if probe, d, err = c.guard.Check(ctx, bucket); err != nil {
			if _, held := bot.WaitHint(err); held {
				return false, err
			}
		}
	} else {
		d, err = c.guard.Take(ctx, bucket, eventsEvery, eventsBurst)
	}
	if err != nil {
		return false, fmt.Errorf("%s: read PagerDuty budgets: %w", what, err)
	}
	if d > 0 {
		return false, bot.Wait(&budgetWait{what: what, bucket: bucket}, d)
	}
	return probe, nil
}

// done classifies a call's outcome after admit, and lifts REST's hold when
// this call was the probe and PagerDuty took the token.
func (c *Client) done(ctx context.Context, what, bucket string, probe bool, cp *capture, err error) error {
	err = c.classify(ctx, what, bucket, probe, cp, err)
	if probe && (err == nil || (cp.status != 0 && cp.status != http.StatusUnauthorized && cp.status != http.StatusForbidden)) {
		c.guard.Accepted(ctx, true)
	}
	return err
}

// classify turns a failed call into the outbox's error classes: 429 pauses
// the bucket (a routing key, or REST) and waits for Retry-After, 5xx and
// network failures retry, 401/403 hold REST (jobs wait, one probes with
// backoff) or, for events, fail with one clear error, any other 4xx is
// permanent with PagerDuty's message kept.
func (c *Client) classify(ctx context.Context, what, bucket string, probe bool, cp *capture, err error) error {
	if err == nil {
		return nil
	}
	switch st := cp.status; {
	case st == 0:
		return fmt.Errorf("%s: %w", what, err)
	case st == http.StatusTooManyRequests:
		after := cp.retryAfter
		if after <= 0 {
			after = defaultRetryAfter
		}
		if perr := c.guard.Pause(ctx, bucket, after); perr != nil {
			c.log.Warn("pause PagerDuty after a 429", "err", perr)
		}
		return bot.Wait(fmt.Errorf("%s: PagerDuty rate limit (429)", what), after)
	case st == http.StatusRequestTimeout || st >= 500:
		return fmt.Errorf("%s: PagerDuty answered %d", what, st)
	case (st == http.StatusUnauthorized || st == http.StatusForbidden) && bucket == restBucket:
		return c.guard.Refused(ctx, fmt.Sprintf("%d %s", st, http.StatusText(st)), probe, fmt.Errorf("%s: %w (%d)", what, ErrRefused, st))
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		c.auth.Do(func() {
			c.log.Error("PagerDuty refused warroom's credentials: paging does not work until they are fixed", "status", st, "call", what)
		})
		return bot.Permanent(fmt.Errorf("%s: %w (%d)", what, ErrRefused, st))
	default:
		msg := cp.message()
		if msg == "" {
			msg = "no message"
		}
		return bot.Permanent(fmt.Errorf("%s: PagerDuty refused it (%d): %s", what, st, msg))
	}
}
