package slack

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Markdown the platform-neutral way (digests, postmortem drafts) is not
// what Slack renders: Slack's mrkdwn has *bold*, _italic_, ~strike~,
// `code`, ``` blocks, > quotes and <url|label> links, and no headings or
// tables. Mrkdwn translates the one into the other.

var (
	heading   = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$`)
	rule      = regexp.MustCompile(`^ {0,3}[-*_](?:[ \t]*[-*_]){2,}[ \t]*$`)
	bullet    = regexp.MustCompile(`^([ \t]*)[-*+][ \t]+(.*)$`)
	ordered   = regexp.MustCompile(`^([ \t]*)(\d{1,9})[.)][ \t]+(.*)$`)
	quote     = regexp.MustCompile(`^ {0,3}>[ ]?(.*)$`)
	separator = regexp.MustCompile(`^\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?$`)
)

// Mrkdwn converts markdown to Slack mrkdwn: headings become bold lines,
// **strong** becomes *bold*, *emphasis* becomes _italic_, ~~strike~~
// becomes ~strike~, [label](url) becomes <url|label> when url is an
// absolute http(s) URL (the label alone otherwise), bullets become •,
// tables become aligned preformatted blocks, and code stays code. All text
// is escaped (&, <, >), so that nothing in it pings (<!channel>), mentions
// or links anywhere but where the markdown said. It is pure.
func Mrkdwn(md string) string {
	if len(md) > maxMarkdown {
		md = md[:maxMarkdown]
	}
	md = strings.ReplaceAll(strings.ToValidUTF8(md, "\uFFFD"), "\r\n", "\n")
	lines := strings.Split(md, "\n")
	var out []string
	for i := 0; i < len(lines); {
		line := lines[i]
		if f := fenceOf(line); f != "" {
			var code []string
			i++
			for ; i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), f); i++ {
				code = append(code, lines[i])
			}
			i++ // the closing fence, if any
			out = append(out, codeBlock(code))
			continue
		}
		if isTable(lines, i) {
			rows := []string{lines[i]}
			i += 2
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				rows = append(rows, lines[i])
			}
			out = append(out, table(rows))
			continue
		}
		if len(line) > maxSection { // longer would not fit a section; and inline is quadratic
			line = truncate(line, maxSection)
		}
		out = append(out, breakFences(mrkdwnLine(line)))
		i++
	}
	return strings.Join(out, "\n")
}

// mrkdwnLine converts one line outside code and tables.
func mrkdwnLine(line string) string {
	if m := heading.FindStringSubmatch(line); m != nil {
		text := strings.TrimSpace(strings.TrimRight(m[2], "#"))
		if text == "" {
			return ""
		}
		return "*" + inline(text, true) + "*"
	}
	if rule.MatchString(line) {
		return "──────────"
	}
	if m := quote.FindStringSubmatch(line); m != nil {
		return strings.TrimRight("> "+mrkdwnLine(m[1]), " ")
	}
	if m := bullet.FindStringSubmatch(line); m != nil {
		item := m[2]
		switch {
		case strings.HasPrefix(item, "[ ] "):
			item = "☐ " + item[4:]
		case strings.HasPrefix(item, "[x] "), strings.HasPrefix(item, "[X] "):
			item = "☑ " + item[4:]
		}
		return m[1] + "• " + inline(item, false)
	}
	if m := ordered.FindStringSubmatch(line); m != nil {
		return m[1] + m[2] + ". " + inline(m[3], false)
	}
	return inline(line, false)
}

// fenceOf returns the fence a line opens (``` or ~~~), or "".
func fenceOf(line string) string {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return ""
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			n := len(t) - len(strings.TrimLeft(t, f[:1]))
			return strings.Repeat(f[:1], n)
		}
	}
	return ""
}

// codeBlock renders lines as a preformatted block. A ``` inside would end
// Slack's block early, so it is broken.
func codeBlock(lines []string) string {
	return "```\n" + breakFences(Escape(strings.Join(lines, "\n"))) + "\n```"
}

// breakFences breaks every run of three backticks with a zero-width space,
// so that text never opens or closes a Slack code block.
func breakFences(s string) string {
	for strings.Contains(s, "```") {
		s = strings.ReplaceAll(s, "```", "``\u200b`")
	}
	return s
}

// isTable says whether a pipe table (a header row, then a separator row)
// starts at line i.
func isTable(lines []string, i int) bool {
	return i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|") &&
		strings.Contains(lines[i+1], "-") && separator.MatchString(strings.TrimSpace(lines[i+1]))
}

// table renders a header row and body rows as a preformatted block with
// aligned columns; cells lose their markup (links keep their URL in
// parentheses). A header of empty cells is left out.
func table(rows []string) string {
	var cells [][]string
	width := []int{}
	for _, r := range rows {
		cs := splitRow(r)
		for j, c := range cs {
			cs[j] = strings.TrimSpace(unmarked(c))
			if j == len(width) {
				width = append(width, 0)
			}
			width[j] = max(width[j], utf8.RuneCountInString(cs[j]))
		}
		cells = append(cells, cs)
	}
	emptyHeader := true
	for _, c := range cells[0] {
		emptyHeader = emptyHeader && c == ""
	}
	format := func(cs []string) string {
		parts := make([]string, len(width))
		for j := range width {
			c := ""
			if j < len(cs) {
				c = cs[j]
			}
			parts[j] = c + strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
		}
		return strings.TrimRight(strings.Join(parts, " | "), " ")
	}
	var lines []string
	if !emptyHeader {
		dashes := make([]string, len(width))
		for j, w := range width {
			dashes[j] = strings.Repeat("-", max(w, 1))
		}
		lines = append(lines, format(cells[0]), strings.Join(dashes, "-+-"))
	}
	for _, cs := range cells[1:] {
		lines = append(lines, format(cs))
	}
	return codeBlock(lines)
}

// splitRow splits a table row on the pipes that are not escaped.
func splitRow(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			b.WriteByte('|')
			i++
		case row[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(row[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}
