package discord

import (
	"context"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// DisplayName asks Discord for a user's name in warroom's server (Get
// Guild Member): their server nickname, else their display name, else
// their username. Discord tells no e-mail address. It is a
// bot.NameResolver.
func (d *Discord) DisplayName(ctx context.Context, user string) (bot.PersonName, error) {
	guild := d.cfg.Guild
	if guild == "" {
		var err error
		if guild, err = d.guildOf(ctx, d.cfg.Forum+d.cfg.Parent); err != nil {
			return bot.PersonName{}, err
		}
	}
	var m discordgo.Member
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointGuildMember(guild, user), "", nil, &m); err != nil {
		return bot.PersonName{}, err
	}
	name := m.Nick
	if name == "" && m.User != nil {
		name = m.User.GlobalName
		if name == "" {
			name = m.User.Username
		}
	}
	return bot.PersonName{Name: name}, nil
}
