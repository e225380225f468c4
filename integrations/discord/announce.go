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

// channelFor is the id of the channel name names (channelID); the
// configured announcement channel when name is "" or not found.
func (d *Discord) channelFor(ctx context.Context, name string) (string, error) {
	if strings.TrimPrefix(name, "#") == "" {
		return d.cfg.Announce, nil
	}
	id, err := d.channelID(ctx, name)
	if err != nil || id != "" {
		return id, err
	}
	d.log.Warn("discord channel not found; posting in the announcement channel", "channel", name)
	return d.cfg.Announce, nil
}

// channelID is the id of the text channel name names: an id as it is, or
// a text or announcement channel's name ("#" optional) looked up in the
// server (once); "" when the server has none of that name.
func (d *Discord) channelID(ctx context.Context, name string) (string, error) {
	name = strings.TrimPrefix(strings.TrimSpace(name), "#")
	if isSnowflake(name) {
		return name, nil
	}
	d.mu.Lock()
	id, ok := d.chans[name]
	d.mu.Unlock()
	if ok {
		return id, nil
	}
	guild, err := d.guildOf(ctx, d.roomParent())
	if err != nil {
		return "", err
	}
	var chans []*discordgo.Channel
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointGuildChannels(guild), "", nil, &chans); err != nil {
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
	return "", nil
}

// roomParent is a channel of the server warroom runs in: the forum, else
// the parent channel.
func (d *Discord) roomParent() string {
	if d.cfg.Forum != "" {
		return d.cfg.Forum
	}
	return d.cfg.Parent
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
