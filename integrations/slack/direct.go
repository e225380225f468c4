package slack

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// handleDirect sends one person a direct message (an action item
// reminder), once: chat.postMessage to a user id writes in the app's
// direct conversation with them. A user that is not a Slack id (a
// Discord id) is not ours: the job completes.
func (s *Slack) handleDirect(ctx context.Context, job bot.Job) error {
	var p bot.DirectPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode direct message of job %d: %w", job.ID, err))
	}
	if !userID.MatchString(p.User) {
		return nil
	}
	return s.put(ctx, p.User, jobRef(job.ID), job.Incident, p.Message, putOpts{})
}
