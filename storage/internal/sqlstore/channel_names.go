package sqlstore

import (
	"slices"
	"strconv"
	"strings"
)

// An incident's channels column (schema 45) names each channel the naming
// rule below makes from the incident's number and title by its platform
// alone, and the rule's prefix where it is not "inc": "@console" stands
// for {"console":"inc-42-checkout-latency-above-slo"} in the row of
// incident 42 titled "Checkout latency above SLO", "@slack=sec" for
// {"slack":"sec-42-…"}. A column with any other channel, or a title that
// is not all ASCII, is stored as JSON, as every row before schema 45 is.
// The rule is part of the stored format, frozen here rather than taken
// from the domain (bot.ChannelName makes the same names today): a change
// to the domain's naming makes new channels store their names, and leaves
// old rows reading as they were written. The column is written with the
// title in every statement that writes either (incidentArgs), so the rule
// always reads the title it was checked against.

// namedMark leads a channels column stored by the naming rule.
const namedMark = '@'

// defaultChannelPrefix is the prefix a compact entry leaves out.
const defaultChannelPrefix = "inc"

// ruleChannel is the channel the naming rule makes for incident number
// titled title under prefix: prefix-number-short-title, lowercase ASCII
// letters and digits, runs of anything else one dash, cut once it holds 60
// bytes. title must be ASCII.
func ruleChannel(prefix string, number int64, title string) string {
	b := make([]byte, 0, 64)
	b = append(b, prefix...)
	b = append(b, '-')
	b = strconv.AppendInt(b, number, 10)
	dash := true
	for i := 0; i < len(title); i++ {
		c := title[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		ok := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		switch {
		case ok && dash:
			b = append(b, '-', c)
			dash = false
		case ok:
			b = append(b, c)
		default:
			dash = true
		}
		if len(b) >= 60 {
			break
		}
	}
	return strings.TrimRight(string(b), "-")
}

// plainName says s is a platform's or a prefix's name a compact entry
// can hold: lowercase ASCII letters, digits, '-' and '_'.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// rulePrefix is the prefix under which the naming rule makes channel for
// the incident, or false when it makes it under none.
func rulePrefix(channel string, number int64, title string) (string, bool) {
	num := "-" + strconv.FormatInt(number, 10)
	for from := 0; ; {
		i := strings.Index(channel[from:], num)
		if i < 0 {
			return "", false
		}
		i += from
		if p := channel[:i]; plainName(p) && ruleChannel(p, number, title) == channel {
			return p, true
		}
		from = i + 1
	}
}

// storedChannels is the channels column for an incident's channels: by
// the naming rule where every channel is the rule's, else JSON.
func storedChannels(channels map[string]string, number int64, title string) (string, error) {
	if len(channels) == 0 || !isASCII(title) {
		return encode(channels)
	}
	platforms := make([]string, 0, len(channels))
	for p := range channels {
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	b := []byte{namedMark}
	for i, p := range platforms {
		prefix, ok := rulePrefix(channels[p], number, title)
		if !ok || !plainName(p) {
			return encode(channels)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p...)
		if prefix != defaultChannelPrefix {
			b = append(b, '=')
			b = append(b, prefix...)
		}
	}
	return string(b), nil
}

// readChannels reads a channels column back: JSON as it is, a compact
// one by the naming rule from the incident's number and title.
func readChannels(stored string, number int64, title string) (map[string]string, error) {
	if stored == "" || stored[0] != namedMark {
		var out map[string]string
		return out, decode(stored, &out)
	}
	entries := strings.Split(stored[1:], ",")
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		platform, prefix, ok := strings.Cut(e, "=")
		if !ok {
			prefix = defaultChannelPrefix
		}
		out[platform] = ruleChannel(prefix, number, title)
	}
	return out, nil
}
