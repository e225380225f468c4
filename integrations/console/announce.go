package console

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// handleAnnounce posts a message that concerns no incident (a maintenance
// window starting or ending) in the announcement channel, or in the channel
// the job names (the managers' channel), once: the job's id is its ref.
func (c *Console) handleAnnounce(ctx context.Context, job bot.Job) error {
	var p bot.PostPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode announcement of job %d: %w", job.ID, err))
	}
	ch := c.announce
	if p.Channel != "" { // the managers' channel
		ch = strings.TrimPrefix(p.Channel, "#") // as managers() names it
	}
	if ch == "" {
		return nil // announcements are off
	}
	return c.save(ctx, ch, jobRef(job.ID), 0, p.Message)
}
