package bot

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// silencePath joins an Alertmanager's external URL and the filter of its
// new-silence form.
const silencePath = "/#/silences/new?filter="

// AlertmanagerSilenceURL is the Alertmanager UI at external's new-silence
// form pre-filled with labels as equality matchers, or "" without an http
// or https external URL or without labels.
func AlertmanagerSilenceURL(external string, labels map[string]string) string {
	return AlertmanagerSilenceLink(AlertmanagerSilenceExternal(external), labels)
}

// AlertmanagerSilenceExternal is the base of the silence links made from
// external (an Alertmanager's external URL), or "" when it is not an http
// or https URL. A receiver checks a delivery's external URL once and makes
// each alert's link with AlertmanagerSilenceLink.
func AlertmanagerSilenceExternal(external string) string {
	if external == "" {
		return ""
	}
	if last := lastExternal.Load(); last != nil && last[0] == external {
		return last[1]
	}
	base := ""
	if u, err := url.Parse(external); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		base = strings.TrimRight(external, "/")
	}
	lastExternal.Store(&[2]string{external, base})
	return base
}

// lastExternal is the last external URL AlertmanagerSilenceExternal
// checked and its answer: a sender's alerts all carry the same one, and
// the store checks it again for each alert it writes.
var lastExternal atomic.Pointer[[2]string]

// AlertmanagerSilenceLink is AlertmanagerSilenceURL with a base from
// AlertmanagerSilenceExternal ("": no link).
func AlertmanagerSilenceLink(base string, labels map[string]string) string {
	if base == "" || len(labels) == 0 {
		return ""
	}
	var buf [silenceBuf]byte // one allocation, the string's, for a link that fits
	return string(appendSilenceURL(buf[:0], base, labels))
}

// silenceBuf is the room on the stack for a link, and for its filter
// before it is escaped: node-exporter's alerts carry eight or nine labels,
// about 300 bytes of filter and 450 of link.
const silenceBuf = 1024

// appendSilenceURL appends base's new-silence link for labels to dst: the
// filter {k="v",...} with keys sorted and values quoted as Go does, then
// query-escaped as url.QueryEscape does.
func appendSilenceURL(dst []byte, base string, labels map[string]string) []byte {
	var keyBuf [16]string
	keys := keyBuf[:0]
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var filterBuf [silenceBuf / 2]byte
	f := append(filterBuf[:0], '{')
	for i, k := range keys {
		if i > 0 {
			f = append(f, ',')
		}
		f = append(f, k...)
		f = append(f, '=')
		f = strconv.AppendQuote(f, labels[k])
	}
	f = append(f, '}')
	dst = slices.Grow(dst, len(base)+len(silencePath)+len(f)*2)
	dst = append(dst, base...)
	dst = append(dst, silencePath...)
	return appendQueryEscape(dst, f)
}

// appendQueryEscape appends s escaped as url.QueryEscape escapes it.
func appendQueryEscape(dst, s []byte) []byte {
	const hex = "0123456789ABCDEF"
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			dst = append(dst, c)
		case c == ' ':
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// AlertmanagerSilenceBase returns the external URL link was made from
// when link is exactly what AlertmanagerSilenceURL makes of it and labels,
// else "": the store keeps the base instead of the link, which repeats
// every label, and makes the link again when it reads the alert.
func AlertmanagerSilenceBase(link string, labels map[string]string) string {
	i := strings.Index(link, silencePath)
	if i <= 0 || len(labels) == 0 {
		return ""
	}
	base := link[:i]
	if AlertmanagerSilenceExternal(base) != base {
		return ""
	}
	var buf [silenceBuf]byte
	if string(appendSilenceURL(buf[:0], base, labels)) != link {
		return ""
	}
	return base
}
