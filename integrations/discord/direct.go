package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// handleDirect sends one person a direct message (an action item
// reminder), once, in the bot's DM channel with them. A user that is not
// a Discord id (a Slack id) is not ours: the job completes.
func (d *Discord) handleDirect(ctx context.Context, job bot.Job) error {
	var p bot.DirectPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return bot.Permanent(fmt.Errorf("decode direct message of job %d: %w", job.ID, err))
	}
	if !userID.MatchString(p.User) {
		return nil
	}
	var ch discordgo.Channel
	if err := d.rest(ctx, http.MethodPost, discordgo.EndpointUserChannels("@me"), "", map[string]string{"recipient_id": p.User}, &ch); err != nil {
		return err
	}
	return d.put(ctx, ch.ID, jobRef(job.ID), job.Incident, RenderPost(d.svc.Names().Message(p.Message), false), putOpts{})
}
