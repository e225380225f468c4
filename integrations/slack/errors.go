package slack

import (
	"errors"
	"time"

	"github.com/slack-go/slack"
)

// errorClass is how a Slack Web API failure is handled.
type errorClass int

const (
	classRetry     errorClass = iota // transient: retry with backoff
	classRateLimit                   // 429 / ratelimited: pause the channel for Retry-After
	classAuth                        // the token is bad: stop Slack delivery
	classPermanent                   // no retry can help
)

// authErrors mean the bot token no longer works: nothing sent with it can
// succeed until a person fixes the installation.
var authErrors = map[string]bool{
	"invalid_auth": true, "not_authed": true, "token_revoked": true, "token_expired": true,
	"account_inactive": true, "team_access_not_granted": true,
}

// permanentErrors are Slack errors that a retry of the same call cannot fix.
var permanentErrors = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "msg_too_long": true,
	"no_text": true, "too_many_attachments": true, "invalid_blocks": true, "invalid_blocks_format": true,
	"message_not_found": true, "cant_update_message": true, "edit_window_closed": true,
	"restricted_action": true, "missing_scope": true, "invalid_arguments": true, "invalid_name": true,
	"invalid_name_specials": true, "invalid_name_maxlength": true, "invalid_name_required": true,
	"user_is_restricted": true, "no_permission": true, "ekm_access_denied": true, "too_long": true,
	"channel_is_archived": true, "method_not_supported_for_channel_type": true,
}

// slackCode returns the error string of a Slack "ok": false reply, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var pse *slack.SlackErrorResponse
	if errors.As(err, &pse) {
		return pse.Err
	}
	return ""
}

// classify sorts an error of the Web API, returning Slack's retry hint for
// rate limits.
func classify(err error) (errorClass, time.Duration) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return classRateLimit, max(rl.RetryAfter, time.Second)
	}
	var se slack.StatusCodeError
	if errors.As(err, &se) {
		if se.Code == 429 {
			return classRateLimit, time.Minute
		}
		if se.Code >= 400 && se.Code < 500 && se.Code != 408 {
			return classPermanent, 0
		}
		return classRetry, 0
	}
	code := slackCode(err)
	switch {
	case code == "ratelimited" || code == "rate_limited":
		return classRateLimit, time.Minute
	case authErrors[code]:
		return classAuth, 0
	case permanentErrors[code]:
		return classPermanent, 0
	}
	return classRetry, 0 // network errors, 5xx, internal_error, fatal_error, …
}
