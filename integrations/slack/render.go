package slack

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
)

// Slack's Block Kit limits, in characters (runes).
const (
	maxHeader     = 150
	maxSection    = 3000
	maxField      = 2000
	maxFields     = 10
	maxBlocks     = 50
	maxButtonText = 75
	maxButtonVal  = 2000
	maxButtons    = 25
	maxFallback   = 3000
)

// actionPrefix starts the action_id of every button warroom renders; the
// button's value is the command it runs.
const actionPrefix = "warroom:"

var sevEmoji = map[bot.Severity]string{bot.SEV1: ":red_circle:", bot.SEV2: ":large_orange_circle:", bot.SEV3: ":large_yellow_circle:", bot.SEV4: ":large_blue_circle:"}

// userID matches a Slack user id, the form warroom stores people in when
// they act from Slack.
var userID = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// Render turns a platform-neutral message into Block Kit blocks and the
// plain fallback text Slack shows in notifications. It is pure: the same
// message always renders the same blocks. User text is escaped, so that
// "<!channel>", "<@U123>" or "<https://evil|label>" shows as written and
// never pings or spoofs a link, and cut on rune boundaries to Slack's limits.
func Render(m bot.Message) (blocks []slack.Block, fallback string) {
	return renderMessage(m, false)
}

// RenderMarkdown is Render for a message whose text is markdown (a digest,
// a postmortem draft): the text is converted by Mrkdwn and split into as
// many sections as Slack's limits need, never inside a link or across a
// code block unclosed.
func RenderMarkdown(m bot.Message) (blocks []slack.Block, fallback string) {
	return renderMessage(m, true)
}

func renderMessage(m bot.Message, markdown bool) (blocks []slack.Block, fallback string) {
	if m.Title != "" {
		title := m.Title
		if e, ok := sevEmoji[m.Severity]; ok && len(m.Buttons) > 0 {
			title = e + " " + title
		}
		// plain_text is not parsed for mentions, but Slack reads its
		// entities: escaped like everything else, so it shows as typed.
		blocks = append(blocks, slack.NewHeaderBlock(plain(truncate(Escape(oneLine(title)), maxHeader))))
	}
	text := ""
	if call := mentionText(m.Mentions); call != "" {
		// The only unescaped mentions warroom writes: ids checked one by one.
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(call), nil, nil))
		text = call + " "
	}
	switch {
	case m.Text == "":
	case markdown:
		md := Mrkdwn(m.Text)
		text += md
		for _, sec := range sections(md, maxSection) {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(sec), nil, nil))
		}
	default:
		esc := Escape(m.Text)
		text += esc
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(truncate(esc, maxSection)), nil, nil))
	}
	var fields []*slack.TextBlockObject
	for _, f := range m.Fields {
		if len(fields) == maxFields {
			blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
			fields = nil
		}
		fields = append(fields, mrkdwn(truncate("*"+Escape(oneLine(f.Label))+"*\n"+fieldValue(f), maxField)))
	}
	if len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if m.Footer != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(truncate(footer(m.Footer), maxSection))))
	}
	if len(m.Buttons) > 0 {
		var els []slack.BlockElement
		for i, b := range m.Buttons {
			if i == maxButtons {
				break
			}
			if len(b.Command) > maxButtonVal {
				continue
			}
			btn := slack.NewButtonBlockElement(actionPrefix+strconv.Itoa(i), b.Command, plain(truncate(Escape(oneLine(b.Label)), maxButtonText)))
			switch b.Style {
			case "primary":
				btn.Style = slack.StylePrimary
			case "danger":
				btn.Style = slack.StyleDanger
			}
			els = append(els, btn)
		}
		blocks = append(blocks, slack.NewActionBlock(cardActions(m.Incident), els...))
	}
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	if m.Title != "" {
		if call := mentionText(m.Mentions); call != "" { // the notification names who is called
			return blocks, call + " " + truncate(Escape(m.Title), maxFallback-len(call)-1)
		}
		return blocks, truncate(Escape(m.Title), maxFallback)
	}
	return blocks, cut(text, maxFallback)
}

// mentionText renders the Slack ids among mentions as mentions that
// notify: <@U…> for users, <!subteam^S…> for user groups. Anything else
// (a Discord id, a name) is left out.
func mentionText(ids []string) string {
	var out []string
	for _, id := range ids {
		switch {
		case userID.MatchString(id):
			out = append(out, "<@"+id+">")
		case subteamID.MatchString(id):
			out = append(out, "<!subteam^"+id+">")
		}
	}
	return strings.Join(out, " ")
}

// subteamID is a Slack user group id.
var subteamID = regexp.MustCompile(`^S[A-Z0-9]{2,20}$`)

// cardActions is the block_id of a message's buttons: it names the
// incident, so a click can tell which card it came from.
func cardActions(n int64) string {
	if n == 0 {
		return "warroom"
	}
	return "warroom:" + bot.FormatKey(n)
}

// fieldValue renders a field's value: a link when it has a safe URL, a
// mention when it holds a Slack user id, escaped text otherwise.
func fieldValue(f bot.Field) string {
	v := oneLine(f.Value)
	if u := safeURL(f.Link); u != "" {
		if v == "" {
			v = u
		}
		return "<" + u + "|" + Escape(v) + ">"
	}
	if userID.MatchString(v) {
		return "<@" + v + ">"
	}
	return Escape(v)
}

// footer links back to warroom when the footer is a URL.
func footer(s string) string {
	if u := safeURL(s); u != "" {
		return "<" + u + "|Open in warroom>"
	}
	return Escape(s)
}

// safeURL returns u when it is an absolute http(s) URL that cannot break out
// of Slack's <url|label> syntax, and "" otherwise.
func safeURL(u string) string {
	if u == "" || strings.ContainsAny(u, "<>| \t\r\n") {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}

// Escape makes user text literal in Slack mrkdwn: &, < and > become
// entities, so no <!channel>, <@U…> or <url|label> survives.
func Escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// truncate cuts s to at most max runes, never inside a rune or an entity
// that Escape wrote, marking the cut with an ellipsis.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n, cut := 0, len(s)
	for i := range s {
		if n == max-1 {
			cut = i
			break
		}
		n++
	}
	out := s[:cut]
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	return out + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}
