package console

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// handleAnnounce posts a message that concerns no incident (a maintenance
// window starting or ending) in the announcement channel.
func (c *Console) handleAnnounce(ctx context.Context, job bot.Job) error {
	if c.announce == "" {
		return nil // announcements are off
	}
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode announcement of job %d: %w", job.ID, err))
	}
	return c.save(ctx, c.announce, jobRef(job.ID), 0, p.Message)
}
