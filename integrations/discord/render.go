package discord

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
)

// Discord's limits, in characters (runes).
const (
	maxTitle       = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFields      = 25
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxContent     = 2000
	maxButtonLabel = 80
	maxCustomID    = 100
	maxRowButtons  = 5
	maxRows        = 5
)

// customPrefix starts the custom_id of every button warroom renders; the
// rest is the command the button runs.
const customPrefix = "warroom|"

// Embed colours by severity.
var sevColour = map[bot.Severity]int{bot.SEV1: 0xE01E5A, bot.SEV2: 0xF2952F, bot.SEV3: 0xECB22E, bot.SEV4: 0x3AA3E3}

const noColour = 0x99AAB5

// userID matches a Discord user id (a snowflake), the form warroom stores
// people in when they act from Discord.
var userID = regexp.MustCompile(`^[0-9]{15,20}$`)

// Render turns a platform-neutral message into a Discord message: one
// embed coloured by severity, and the buttons in rows. It is pure: the
// same message always renders the same. Text is cut on rune boundaries to
// Discord's limits (6,000 characters an embed in all), masked links typed
// by people are shown as written, and the message mentions nobody:
// allowed_mentions parses nothing.
func Render(m bot.Message) *discordgo.MessageSend {
	return withMentions(&discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed(m, false)}, Components: buttons(m)}, m.Mentions)
}

// RenderPost is Render for a post; markdown says its text is markdown (a
// digest, a postmortem draft, a summary warroom wrote), which Discord
// shows as it is, rather than text typed by people.
//
// The first image among its attachments (a digest's chart) is shown as
// the embed's image; the attachments are uploaded with the message.
func RenderPost(m bot.Message, markdown bool) *discordgo.MessageSend {
	e := embed(m, markdown)
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "image/") && len(a.Data) > 0 && attachmentName.MatchString(a.Name) {
			e.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + a.Name}
			break
		}
	}
	return withMentions(&discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{e}, Components: buttons(m)}, m.Mentions)
}

// attachmentName is a file name an embed can point at (attachment://).
var attachmentName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// withMentions calls the Discord ids among a message's mentions in its
// content (<@id> for users, <@&id> for role:ID), the only mentions that
// notify, and allows exactly those; anything else (a Slack id, a name) is
// left out.
func withMentions(ms *discordgo.MessageSend, ids []string) *discordgo.MessageSend {
	var users, roles, call []string
	for _, id := range ids {
		if r, ok := strings.CutPrefix(id, bot.ResponderRolePrefix); ok && userID.MatchString(r) && !slices.Contains(roles, r) {
			roles = append(roles, r)
			call = append(call, "<@&"+r+">")
		} else if userID.MatchString(id) && !slices.Contains(users, id) {
			users = append(users, id)
			call = append(call, "<@"+id+">")
		}
	}
	ms.Content = strings.Join(call, " ")
	ms.AllowedMentions = mentions(users, roles)
	return ms
}

func embed(m bot.Message, markdown bool) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: noColour}
	if c, ok := sevColour[m.Severity]; ok {
		e.Color = c
	}
	budget := maxEmbedTotal
	take := func(s string, limit int) string {
		s = truncate(s, min(limit, budget))
		budget -= utf8.RuneCountInString(s)
		return s
	}
	e.Title = take(oneLine(m.Title), maxTitle) // titles show no markdown and ping nobody
	if m.Footer != "" {
		if u := safeURL(m.Footer); u != "" {
			e.URL = u
			e.Footer = &discordgo.MessageEmbedFooter{Text: take("Open in warroom", maxFooter)}
		} else {
			e.Footer = &discordgo.MessageEmbedFooter{Text: take(oneLine(m.Footer), maxFooter)}
		}
	}
	for _, f := range m.Fields {
		if len(e.Fields) == maxFields || budget < 2 {
			break
		}
		name := take(oneLine(f.Label), maxFieldName)
		if name == "" {
			name = "\u200b"
		}
		value := take(fieldValue(f), maxFieldValue)
		if value == "" {
			value = "\u200b"
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: utf8.RuneCountInString(value) <= 40})
	}
	if m.Text != "" && budget > 1 {
		t := m.Text
		if !markdown {
			t = Escape(t)
		}
		e.Description = take(t, maxDescription)
	}
	return e
}

// buttons lays the message's buttons out in rows of five.
func buttons(m bot.Message) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	for _, b := range m.Buttons {
		id := customPrefix + b.Command
		if len(id) > maxCustomID {
			continue
		}
		if len(row.Components) == maxRowButtons {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
		if len(rows) == maxRows {
			break
		}
		style := discordgo.SecondaryButton
		switch b.Style {
		case "primary":
			style = discordgo.PrimaryButton
		case "danger":
			style = discordgo.DangerButton
		}
		row.Components = append(row.Components, discordgo.Button{Label: truncate(oneLine(b.Label), maxButtonLabel), Style: style, CustomID: id})
	}
	if len(row.Components) > 0 && len(rows) < maxRows {
		rows = append(rows, row)
	}
	return rows
}

// mentions is the allowed_mentions of every message warroom sends: nothing
// parsed from the text, only the users and roles warroom means.
func mentions(users, roles []string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: users, Roles: roles}
}

// fieldValue renders a field's value: a link when it has a safe URL, a
// mention (which shows the name and, in an embed, pings nobody) when it
// holds a Discord user id, escaped text otherwise.
func fieldValue(f bot.Field) string {
	v := oneLine(f.Value)
	if u := safeURL(f.Link); u != "" {
		if v == "" {
			v = u
		}
		return "[" + Escape(v) + "](" + u + ")"
	}
	if userID.MatchString(v) {
		return "<@" + v + ">"
	}
	return Escape(v)
}

// safeURL returns u when it is an absolute http(s) URL that cannot break
// out of a markdown link, and "" otherwise.
func safeURL(u string) string {
	if u == "" || strings.ContainsAny(u, "()[]<> \t\r\n") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

// Escape keeps text typed by people literal where Discord would read it:
// a masked link [label](url) shows as written, and so do mentions of
// everyone, roles, users and channels (which allowed_mentions keeps from
// pinging anyway).
func Escape(s string) string {
	return escaper.Replace(s)
}

var escaper = strings.NewReplacer("[", `\[`, "]", `\]`, "<@", "<\u200b@", "<#", "<\u200b#", "@everyone", "@\u200beveryone", "@here", "@\u200bhere")

// truncate cuts s to at most limit runes, never inside a rune or just
// after an escaping backslash, marking the cut with an ellipsis.
func truncate(s string, limit int) string {
	if limit <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == limit-1 {
			cut = i
			break
		}
		n++
	}
	out := strings.TrimSuffix(s[:cut], `\`)
	return out + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
