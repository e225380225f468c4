package slack

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		class errorClass
		after time.Duration
	}{
		{&slack.RateLimitedError{RetryAfter: 7 * time.Second}, classRateLimit, 7 * time.Second},
		{slack.SlackErrorResponse{Err: "ratelimited"}, classRateLimit, time.Minute},
		{slack.SlackErrorResponse{Err: "invalid_auth"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "token_revoked"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "account_inactive"}, classAuth, 0},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "msg_too_long"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "not_in_channel"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "is_archived"}, classPermanent, 0},
		{slack.SlackErrorResponse{Err: "internal_error"}, classRetry, 0},
		{slack.StatusCodeError{Code: 503}, classRetry, 0},
		{slack.StatusCodeError{Code: 404}, classPermanent, 0},
		{errors.New("connection reset"), classRetry, 0},
	}
	for _, c := range cases {
		wrapped := fmt.Errorf("chat.update card:INC-1: %w", c.err)
		class, after := classify(wrapped)
		if class != c.class || after != c.after {
			t.Errorf("classify(%v) = %d, %s; want %d, %s", c.err, class, after, c.class, c.after)
		}
	}
}
