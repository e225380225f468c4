package discord

import (
	"context"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// announceTo is the channel inc is announced in: the one its alert route
// names (a channel id, or a text channel's name in the guild), else the
// configured announcement channel. A route channel that cannot be found
// falls back to the configured one, with a warning.
func (d *Discord) announceTo(ctx context.Context, inc *bot.Incident) (string, error) {
	return d.channelFor(ctx, inc.Announce)
}

// channelFor is the id of the channel name names (an id, or a text
// channel's name in the guild, looked up once); the configured
// announcement channel when name is "" or not found.
func (d *Discord) channelFor(ctx context.Context, name string) (string, error) {
	name = strings.TrimPrefix(name, "#")
	if name == "" {
		return d.cfg.Announce, nil
	}
	if isSnowflake(name) {
		return name, nil
	}
	d.mu.Lock()
	id, ok := d.chans[name]
	d.mu.Unlock()
	if ok {
		return id, nil
	}
	if d.cfg.Guild == "" {
		d.log.Warn("discord cannot find a channel by name without a guild; give its id", "channel", name)
		return d.cfg.Announce, nil
	}
	var chans []*discordgo.Channel
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointGuildChannels(d.cfg.Guild), "", nil, &chans); err != nil {
		return "", err
	}
	for _, c := range chans {
		if c.Name == name && (c.Type == discordgo.ChannelTypeGuildText || c.Type == discordgo.ChannelTypeGuildNews) {
			d.mu.Lock()
			d.chans[name] = c.ID
			d.mu.Unlock()
			return c.ID, nil
		}
	}
	d.log.Warn("discord channel not found; posting in the announcement channel", "channel", name)
	return d.cfg.Announce, nil
}

// isSnowflake reports whether s is a Discord id.
func isSnowflake(s string) bool {
	if len(s) < 15 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
