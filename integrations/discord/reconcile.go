package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Never twice. Every create warroom makes in Discord (a room, a card, an
// announcement, a post) is recorded as asked, with the time, just before
// the request leaves, and its id replaces the mark the moment Discord
// answers. A later attempt that finds the mark without an id (warroom was
// killed, or the answer was lost, after Discord may have done the work)
// looks for what the first attempt made and adopts it, and creates only
// when nothing provably its own is found:
//
//   - a message sent within nonceTrust of the mark is simply sent again
//     with the same nonce and enforce_nonce: Discord answers with the
//     message the nonce made, and makes no other;
//   - an older one is looked up among the channel's messages made since
//     the mark, by the bot, with the same content and embed;
//   - a room is a thread owned by the bot, under the configured channel,
//     with the name asked for, made after the mark (a snowflake carries
//     its creation time), whose starter message (for a forum post) is the
//     incident's card. Someone else's thread of the same name, or one the
//     bot made before the mark, is never adopted.

// nonceTrust is how long after a create its nonce is relied on: Discord
// checks a nonce's uniqueness "in the past few minutes".
const nonceTrust = 2 * time.Minute

// clockSkew is how much earlier than the mark a thing made by the first
// attempt may look, between warroom's clock and Discord's.
const clockSkew = time.Minute

// discordEpoch is the epoch of Discord's snowflakes.
const discordEpoch = 1420070400000 // ms

// snowflakeTime is when a Discord id was made; zero when s is no id.
func snowflakeTime(s string) time.Time {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch)
}

// snowflakeAt is the smallest id made at t (for "after=" queries).
func snowflakeAt(t time.Time) string {
	ms := max(t.UnixMilli()-discordEpoch, 0)
	return strconv.FormatUint(uint64(ms)<<22, 10)
}

// certainlyNotDone reports whether a failed create certainly made
// nothing: it was held back before it left (pacing, a rate limit, a held
// integration), or Discord refused it (4xx other than 408, 429 included).
// A network error, a timeout or a 5xx leaves the outcome unknown.
func certainlyNotDone(err error) bool {
	if err == nil {
		return false
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	status, _ := restStatus(err)
	return status >= 400 && status < 500 && status != http.StatusRequestTimeout
}

// create sends a create through rest, recording the ask under pm (with
// rec) the moment it leaves, and clearing the mark when Discord certainly
// made nothing.
func (d *Discord) create(ctx context.Context, pm *bot.PostedMessage, rec record, method, endpoint string, send func(ctx context.Context, route string) ([]byte, error), out any) error {
	sent := false
	var raw error
	err := d.restBody(ctx, method, endpoint, "", func(ctx context.Context, route string) ([]byte, error) {
		rec.Asked, rec.AskedAt = true, d.now().UTC()
		if err := d.save(ctx, pm, rec); err != nil {
			return nil, err
		}
		sent = true
		b, err := send(ctx, route)
		raw = err
		return b, err
	}, out)
	if err != nil && sent && certainlyNotDone(raw) {
		rec.Asked, rec.AskedAt = false, time.Time{}
		if serr := d.save(context.WithoutCancel(ctx), pm, rec); serr != nil {
			d.log.Warn("clear the mark of a refused create", "ref", pm.Ref, "err", serr)
		}
	}
	return err
}

// me is the bot's user id, learned now when Start could not.
func (d *Discord) me(ctx context.Context) (string, error) {
	if id := d.botUserID(); id != "" {
		return id, nil
	}
	if err := d.Start(ctx); err != nil {
		return "", err
	}
	return d.botUserID(), nil
}

// guildOf is the server channel is in: the configured one, or the one
// Discord names for the channel (asked once).
func (d *Discord) guildOf(ctx context.Context, channel string) (string, error) {
	if d.cfg.Guild != "" {
		return d.cfg.Guild, nil
	}
	d.mu.Lock()
	g := d.guild
	d.mu.Unlock()
	if g != "" {
		return g, nil
	}
	var ch discordgo.Channel
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointChannel(channel), "", nil, &ch); err != nil {
		return "", fmt.Errorf("learn the server of channel %s: %w", channel, err)
	}
	d.mu.Lock()
	d.guild = ch.GuildID
	d.mu.Unlock()
	return ch.GuildID, nil
}

// findRoom returns the id of the room an earlier attempt opened for inc
// under parent, named name, asked at asked; "" when there is none that is
// provably warroom's.
func (d *Discord) findRoom(ctx context.Context, inc *bot.Incident, parent, name string, asked time.Time, forum bool) (string, error) {
	me, err := d.me(ctx)
	if err != nil {
		return "", err
	}
	guild, err := d.guildOf(ctx, parent)
	if err != nil {
		return "", err
	}
	var active discordgo.ThreadsList
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointGuildActiveThreads(guild), "", nil, &active); err != nil {
		return "", fmt.Errorf("look for the room of %s: %w", inc.Key(), err)
	}
	threads := active.Threads
	// A room opened long ago may be archived by now.
	archived := discordgo.EndpointChannelPublicArchivedThreads(parent)
	if inc.Private && !forum {
		archived = discordgo.EndpointChannelJoinedPrivateArchivedThreads(parent)
	}
	var old discordgo.ThreadsList
	if err := d.rest(ctx, http.MethodGet, archived, "", nil, &old); err != nil {
		return "", fmt.Errorf("look for the room of %s: %w", inc.Key(), err)
	}
	threads = append(threads, old.Threads...)
	for _, t := range threads {
		if t.ParentID != parent || t.Name != name || t.OwnerID != me || snowflakeTime(t.ID).Before(asked.Add(-clockSkew)) {
			continue
		}
		if forum {
			ok, err := d.isCard(ctx, t.ID, t.ID, inc, me)
			if err != nil {
				return "", err
			}
			if !ok {
				continue
			}
		}
		return t.ID, nil
	}
	return "", nil
}

// isCard reports whether message id in channel is inc's card, made by the
// bot.
func (d *Discord) isCard(ctx context.Context, channel, id string, inc *bot.Incident, me string) (bool, error) {
	var m discordgo.Message
	err := d.rest(ctx, http.MethodGet, discordgo.EndpointChannelMessage(channel, id), "", nil, &m)
	if _, code := restStatus(err); code == codeUnknownMessage {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if m.Author == nil || m.Author.ID != me || len(m.Embeds) == 0 {
		return false, nil
	}
	// The card's title names the incident, and its link (on whatever
	// public URL warroom had then) is the incident's page.
	e := m.Embeds[0]
	return strings.Contains(e.Title, inc.Key()+":") && (e.URL == "" || strings.HasSuffix(e.URL, "/incidents/"+inc.Key())), nil
}

// findPosted returns the id of the message an earlier attempt may have
// posted in channel as m, asked at asked: the bot's, made since, with m's
// content and embed; "" when there is none.
func (d *Discord) findPosted(ctx context.Context, channel string, m *discordgo.MessageSend, asked time.Time) (string, error) {
	me, err := d.me(ctx)
	if err != nil {
		return "", err
	}
	q := url.Values{"after": {snowflakeAt(asked.Add(-clockSkew))}, "limit": {"100"}}
	var msgs []*discordgo.Message
	if err := d.rest(ctx, http.MethodGet, discordgo.EndpointChannelMessages(channel)+"?"+q.Encode(), "", nil, &msgs); err != nil {
		return "", fmt.Errorf("look for a message an earlier attempt posted: %w", err)
	}
	for _, got := range msgs {
		if got.Author == nil || got.Author.ID != me || got.Content != m.Content || len(got.Embeds) != len(m.Embeds) {
			continue
		}
		same := true
		for i, e := range m.Embeds {
			g := got.Embeds[i]
			same = same && g.Title == e.Title && g.Description == e.Description && g.URL == e.URL
		}
		if same {
			return got.ID, nil
		}
	}
	return "", nil
}
