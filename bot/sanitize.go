package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length caps, in runes.
const (
	MaxTitleLen = 200
	MaxTextLen  = 4000
	MaxNameLen  = 100
)

// SanitizeTitle makes one line of user text safe to store and show: invalid
// UTF-8 replaced, NUL, control and format characters (zero-width, bidi
// overrides) removed, every run of white space collapsed to one space, and
// the result trimmed and capped at max runes.
func SanitizeTitle(s string, max int) string {
	if cleanTitle(s, max) {
		return s // the common case, without a copy
	}
	return sanitizeTitle(s, max)
}

// sanitizeTitle is SanitizeTitle without the shortcut for clean titles.
func sanitizeTitle(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(min(len(s), max*4))
	space, n := false, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r):
			continue
		}
		if space {
			if n+1 >= max {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		if n >= max {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// cleanTitle reports whether SanitizeTitle leaves s as it is: printable
// ASCII, at most max bytes, single spaces between words only.
func cleanTitle(s string, max int) bool {
	if len(s) > max || s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if s[i-1] == ' ' {
				return false
			}
		case c < 0x21 || c > 0x7e:
			return false
		}
	}
	return true
}

// SanitizeText is SanitizeTitle for multi-line text: line breaks survive
// (at most two in a row), other white space collapses, and the cap is max runes.
func SanitizeText(s string, max int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = SanitizeTitle(l, max)
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return truncateRunes(strings.TrimRight(strings.Join(out, "\n"), "\n"), max)
}

// truncateRunes cuts s to at most max runes, on a rune boundary.
func truncateRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}
