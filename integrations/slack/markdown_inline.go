package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unmarked is markdown without its markup, not yet escaped: for table
// cells, which Slack shows preformatted.
func unmarked(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) && isPunct(s[i+1]) {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if label, url, n := link(s, i); n > 0 {
			b.WriteString(unmarked(label))
			if url != "" {
				b.WriteString(" (" + url + ")")
			}
			i += n
			continue
		}
		if d := delimiter(s, i); d == "**" || d == "__" || d == "~~" || d == "`" {
			i += len(d)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// inline converts the inline markup of a line and escapes its text. In a
// bold context (a heading) strong emphasis adds no markers of its own.
func inline(s string, bold bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
			b.WriteString(Escape(s[i+1 : i+2]))
			i += 2
			continue
		case c == '`':
			n := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
			ticks := s[i : i+n]
			if end := strings.Index(s[i+n:], ticks); end >= 0 {
				code := strings.TrimSpace(s[i+n : i+n+end])
				if code != "" {
					b.WriteString("`" + strings.ReplaceAll(Escape(code), "`", "'") + "`")
				}
				i += 2*n + end
				continue
			}
			b.WriteString(ticks)
			i += n
			continue
		case c == '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				if u := safeURL(s[i+1 : i+end]); u != "" {
					b.WriteString("<" + u + ">")
					i += end + 1
					continue
				}
			}
		case c == '[' || c == '!':
			if label, url, n := link(s, i); n > 0 {
				label = oneLine(unmarked(label))
				switch u := safeURL(url); {
				case u != "" && label != "":
					b.WriteString("<" + u + "|" + Escape(label) + ">")
				case u != "":
					b.WriteString("<" + u + ">")
				default:
					b.WriteString(Escape(label))
				}
				i += n
				continue
			}
		}
		if d := delimiter(s, i); d != "" && d != "`" {
			if end := closing(s, i+len(d), d); end > 0 {
				inner := inline(s[i+len(d):end], bold || d == "**" || d == "__")
				switch {
				case d == "~~":
					b.WriteString("~" + inner + "~")
				case d == "**" || d == "__":
					if bold {
						b.WriteString(inner)
					} else {
						b.WriteString("*" + inner + "*")
					}
				default:
					b.WriteString("_" + inner + "_")
				}
				i = end + len(d)
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(Escape(s[i : i+size]))
		}
		i += size
	}
	return b.String()
}

// delimiter returns the emphasis or code delimiter at s[i], if any.
func delimiter(s string, i int) string {
	for _, d := range []string{"**", "__", "~~", "*", "_", "`"} {
		if strings.HasPrefix(s[i:], d) {
			return d
		}
	}
	return ""
}

// closing finds where the emphasis opened by d just before from ends: d
// must be followed by text and its closing d preceded by text; underscores
// must sit at word boundaries (snake_case stays as written). It returns -1
// when there is none.
func closing(s string, from int, d string) int {
	if from >= len(s) || s[from] == ' ' || s[from] == '\t' {
		return -1
	}
	word := func(k int) bool { // is s[k] part of a word?
		if k < 0 || k >= len(s) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(s[k:])
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	if d[0] == '_' && word(from-len(d)-1) {
		return -1
	}
	for k := from + 1; k+len(d) <= len(s); k++ {
		if s[k] == '\\' {
			k++
			continue
		}
		if s[k] == '`' { // code spans hide delimiters
			if end := strings.IndexByte(s[k+1:], '`'); end >= 0 {
				k += end + 1
				continue
			}
		}
		if !strings.HasPrefix(s[k:], d) || s[k-1] == ' ' || s[k-1] == '\t' {
			continue
		}
		if len(d) == 1 && k+1 < len(s) && s[k+1] == d[0] {
			k++ // part of a double delimiter
			continue
		}
		if d[0] == '_' && word(k+len(d)) {
			continue
		}
		return k
	}
	return -1
}

// link parses [label](url) or ![alt](url) at s[i], returning its parts and
// its length; n is 0 when there is none. A title after the URL is dropped.
func link(s string, i int) (label, url string, n int) {
	start := i
	if s[i] == '!' {
		i++
	}
	if i >= len(s) || s[i] != '[' {
		return "", "", 0
	}
	depth, j := 0, i
	for ; j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == '[' {
			depth++
		} else if s[j] == ']' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if j >= len(s)-1 || s[j+1] != '(' {
		return "", "", 0
	}
	end := strings.IndexByte(s[j+2:], ')')
	if end < 0 {
		return "", "", 0
	}
	dest := strings.TrimSpace(s[j+2 : j+2+end])
	if f := strings.Fields(dest); len(f) > 0 {
		dest = strings.TrimSuffix(strings.TrimPrefix(f[0], "<"), ">")
	}
	return s[i+1 : j], dest, j + 2 + end + 1 - start
}

func isPunct(c byte) bool {
	return c < utf8.RuneSelf && unicode.IsPunct(rune(c)) || strings.IndexByte("`$+<=>^|~", c) >= 0
}
