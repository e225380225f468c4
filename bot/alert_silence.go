package bot

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// silencePath joins an Alertmanager's external URL and the filter of its
// new-silence form.
const silencePath = "/#/silences/new?filter="

// AlertmanagerSilenceURL is the Alertmanager UI at external's new-silence
// form pre-filled with labels as equality matchers, or "" without an http
// or https external URL or without labels.
func AlertmanagerSilenceURL(external string, labels map[string]string) string {
	if external == "" || len(labels) == 0 {
		return ""
	}
	u, err := url.Parse(external)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return silenceURL(strings.TrimRight(external, "/"), labels)
}

func silenceURL(base string, labels map[string]string) string {
	var f strings.Builder
	f.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			f.WriteByte(',')
		}
		f.WriteString(k)
		f.WriteByte('=')
		f.WriteString(strconv.Quote(labels[k]))
	}
	f.WriteByte('}')
	return base + silencePath + url.QueryEscape(f.String())
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
	if AlertmanagerSilenceURL(base, labels) != link {
		return ""
	}
	return base
}
