package slack

import (
	"strings"
	"unicode/utf8"
)

// maxMarkdown bounds the markdown Mrkdwn reads, in bytes: more would not
// fit in a message's sections anyway.
const maxMarkdown = maxTextSections * maxSection

// maxTextSections is how many sections a markdown text may fill, leaving
// room in Slack's 50 blocks for the title, fields, footer and buttons.
const maxTextSections = maxBlocks - 10

// sections splits converted mrkdwn into texts of at most max runes, at line
// ends: a code block that spans two is closed at the end of the first and
// opened again at the start of the next. A line too long for one section is
// cut (see cut). The last section ends in "…" when the text did not fit.
func sections(text string, max int) []string {
	const fence, reserve = "```", 8 // room to close a block: "\n```" and "…"
	var out []string
	var cur strings.Builder
	n, inCode := 0, false
	flush := func() {
		s := cur.String()
		if inCode {
			s += "\n" + fence
		}
		out = append(out, s)
		cur.Reset()
		n = 0
		if inCode {
			cur.WriteString(fence)
			n = len(fence)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if l := utf8.RuneCountInString(line); l > max-reserve-len(fence)-1 {
			line = cut(line, max-reserve-len(fence)-1)
		}
		l := utf8.RuneCountInString(line)
		if n > 0 && n+1+l > max-reserve {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
			n++
		}
		cur.WriteString(line)
		n += l
		if line == fence {
			inCode = !inCode
		}
	}
	if cur.Len() > 0 {
		inCode = false // Mrkdwn closes every block it opens
		flush()
	}
	if len(out) > maxTextSections { // every section is balanced: drop the rest
		out = out[:maxTextSections]
		out[len(out)-1] += "\n…"
	}
	return out
}

// cut is truncate for mrkdwn: it never leaves a <url|label> link or a
// mention opened and not closed.
func cut(s string, max int) string {
	t := truncate(s, max)
	if t == s {
		return s
	}
	if lt := strings.LastIndexByte(t, '<'); lt >= 0 && !strings.Contains(t[lt:], ">") {
		t = strings.TrimSuffix(t, "…")[:lt] + "…"
	}
	return t
}
