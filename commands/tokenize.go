package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

// MaxInput is the longest command text accepted, in bytes. Longer text is an
// invalid error, not silently cut: nothing a person types into a slash command
// is this long, and cutting could change what the command means.
const MaxInput = 10_000

// Kind classifies a token.
type Kind int

// Token kinds.
const (
	Word    Kind = iota // plain or quoted text
	Mention             // @alice, <@U123>, <@U123|alice>, <@!123>; Value is the id or name
	Key                 // INC-42 in any case; Value is canonical ("INC-42")
	Flag                // --name or --name=value
	Due                 // due:DATE; Value is DATE as written
)

func (k Kind) String() string {
	switch k {
	case Word:
		return "word"
	case Mention:
		return "mention"
	case Key:
		return "key"
	case Flag:
		return "flag"
	case Due:
		return "due"
	}
	return "unknown"
}

// Token is one word of a command.
type Token struct {
	Kind Kind
	// Text is the word as typed with quotes removed and escapes applied.
	Text string
	// Value is the meaning: Word: Text; Mention: the user id or name without
	// "@"; Key: "INC-<n>"; Flag: the value after "=" (see HasValue); Due: the
	// date as written after "due:".
	Value string
	// Name is a Flag's name, lower-cased and without "--"; for a Mention in
	// Slack's <@U123|name> form, the display name.
	Name string
	// HasValue says a Flag was written --name=value.
	HasValue bool
	// Quoted says some part of the word was in quotes; a quoted word is never
	// a mention, key or flag.
	Quoted bool
	// Pos is the byte offset of the token in the (UTF-8 repaired) input.
	Pos int
	// Sep is the white space typed before the token, kept so free text
	// keeps its line breaks.
	Sep string
}

// Tokenize splits command text into tokens: white-space separated words;
// double quotes (also “typographic” ones) and single quotes group words, and
// inside double quotes a backslash escapes a quote or a backslash. A quote
// opens a group only at the start of a word or right after '=', ':' or '~'
// (so "can't" needs no escaping). Invalid UTF-8 is replaced first. An
// unclosed quote, or text over MaxInput bytes, is a bot.CodeInvalid error.
func Tokenize(text string) ([]Token, error) {
	if len(text) > MaxInput {
		return nil, bot.Errorf(bot.CodeInvalid, "the command is %d bytes long; the limit is %d", len(text), MaxInput)
	}
	s := strings.ToValidUTF8(text, "\uFFFD")
	var toks []Token
	i := 0
	for {
		start := i
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += n
		}
		if i >= len(s) {
			return toks, nil
		}
		tok, next, err := lexWord(s, i)
		if err != nil {
			return nil, err
		}
		tok.Sep = s[start:i]
		toks = append(toks, tok)
		i = next
	}
}

// lexWord reads one word starting at s[i] and classifies it.
func lexWord(s string, i int) (Token, int, error) {
	pos := i
	var b strings.Builder
	quoteAt := -1 // offset in b where the first quoted part starts
	canOpen := true
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			break
		}
		closer, isQuote := quoteCloser(r)
		if !canOpen || !isQuote {
			b.WriteRune(r)
			canOpen = r == '=' || r == ':' || r == '~'
			i += n
			continue
		}
		if quoteAt < 0 {
			quoteAt = b.Len()
		}
		j, closed := i+n, false
		for j < len(s) {
			c, m := utf8.DecodeRuneInString(s[j:])
			if c == closer {
				j += m
				closed = true
				break
			}
			if c == '\\' && r != '\'' && j+m < len(s) {
				e, k := utf8.DecodeRuneInString(s[j+m:])
				if e == '\\' || e == closer {
					b.WriteRune(e)
					j += m + k
					continue
				}
			}
			b.WriteRune(c)
			j += m
		}
		if !closed {
			col := utf8.RuneCountInString(s[:i]) + 1
			hint := "put the text in double quotes"
			if r != '\'' {
				hint = `inside quotes write \" for a literal quote`
			}
			return Token{}, 0, bot.Errorf(bot.CodeInvalid, "unbalanced quote %c at position %d: close it with %c, or %s", r, col, closer, hint)
		}
		i = j
		canOpen = false
	}
	tok := classify(b.String(), quoteAt)
	tok.Pos = pos
	return tok, i, nil
}

// quoteCloser says whether r opens a quoted group and which rune closes it.
func quoteCloser(r rune) (rune, bool) {
	switch r {
	case '"':
		return '"', true
	case '\'':
		return '\'', true
	case '“':
		return '”', true
	}
	return 0, false
}

// classify decides what a lexed word is. quoteAt is where its first quoted
// part starts in text, or -1 when nothing was quoted.
func classify(text string, quoteAt int) Token {
	t := Token{Kind: Word, Text: text, Value: text, Quoted: quoteAt >= 0}
	unquoted := text
	if quoteAt >= 0 {
		unquoted = text[:quoteAt]
	}
	if name, value, ok := strings.Cut(text[min(2, len(text)):], "="); strings.HasPrefix(unquoted, "--") &&
		validFlagName(name) && (quoteAt < 0 || (ok && quoteAt >= 3+len(name))) {
		t.Kind, t.Name, t.Value, t.HasValue = Flag, strings.ToLower(name), value, ok
		return t
	}
	if len(unquoted) >= 4 && strings.EqualFold(unquoted[:4], "due:") && len(text) > 4 {
		t.Kind, t.Value = Due, text[4:]
		return t
	}
	if quoteAt >= 0 {
		return t
	}
	if bot.LooksLikeKey(text) {
		if n, err := bot.ParseKey(text); err == nil {
			t.Kind, t.Value = Key, bot.FormatKey(n)
			return t
		}
	}
	if id, name, ok := parseMention(text); ok {
		t.Kind, t.Value, t.Name = Mention, id, name
	}
	return t
}

// parseMention accepts @name, Slack's <@U123> and <@U123|name>, and
// Discord's <@123> and <@!123>. Trailing punctuation of @name is dropped.
func parseMention(s string) (id, name string, ok bool) {
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") && len(s) > 3 {
		inner := s[2 : len(s)-1]
		id, name, _ = strings.Cut(inner, "|")
		id = strings.TrimPrefix(id, "!")
		if id == "" || strings.ContainsAny(id, "<>&") {
			return "", "", false
		}
		return id, name, true
	}
	if !strings.HasPrefix(s, "@") {
		return "", "", false
	}
	id = strings.TrimRight(s[1:], ".,;:!?")
	return id, "", id != ""
}

func validFlagName(name string) bool {
	if name == "" || len(name) > 40 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// Join renders tokens back into command text that Tokenize reads as the same
// tokens (same kind, value and flag name), quoting where needed.
func Join(toks []Token) string {
	parts := make([]string, len(toks))
	for i, t := range toks {
		switch t.Kind {
		case Mention:
			parts[i] = joinMention(t)
		case Key:
			parts[i] = t.Value
		case Flag:
			parts[i] = "--" + t.Name
			if t.HasValue {
				parts[i] += "=" + quoteIfNeeded(t.Value, false)
			}
		case Due:
			parts[i] = "due:" + quoteIfNeeded(t.Value, false)
		default:
			parts[i] = quoteIfNeeded(t.Text, true)
		}
	}
	return strings.Join(parts, " ")
}

// joinMention writes a mention in the first form that reads back as it.
func joinMention(t Token) string {
	if t.Name != "" {
		return "<@" + t.Value + "|" + t.Name + ">"
	}
	for _, s := range []string{"@" + t.Value, "<@" + t.Value + ">", "<@!" + t.Value + ">"} {
		if id, _, ok := parseMention(s); ok && id == t.Value {
			return s
		}
	}
	return "@" + t.Value
}

// quoteIfNeeded double-quotes s when it holds white space, quotes or
// backslashes, is empty (whole words only), or, as a whole word, would be
// read as something other than a plain word.
func quoteIfNeeded(s string, word bool) string {
	need := word && s == ""
	if !need && word {
		need = classify(s, -1).Kind != Word
	}
	if !need {
		need = strings.ContainsFunc(s, func(r rune) bool {
			_, q := quoteCloser(r)
			return q || r == '\\' || r == '”' || unicode.IsSpace(r)
		})
	}
	if !need {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
