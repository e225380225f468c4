package bot

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestAlertmanagerSilenceBase(t *testing.T) {
	labels := map[string]string{"alertname": "Disk full", "instance": `db-1 "a"`}
	link := AlertmanagerSilenceURL("http://am:9093/", labels)
	want := `http://am:9093/#/silences/new?filter=%7Balertname%3D%22Disk+full%22%2Cinstance%3D%22db-1+%5C%22a%5C%22%22%7D`
	if link != want {
		t.Fatalf("AlertmanagerSilenceURL = %s, want %s", link, want)
	}
	if got := AlertmanagerSilenceBase(link, labels); got != "http://am:9093" {
		t.Errorf("AlertmanagerSilenceBase = %q", got)
	}
	for _, c := range []struct {
		link   string
		labels map[string]string
	}{
		{link + "&x", labels},
		{link, map[string]string{"alertname": "Disk full"}},
		{link, nil},
		{"ftp://am/#/silences/new?filter=%7B%7D", labels},
		{"/#/silences/new?filter=x", labels},
		{"https://grafana/alerting/silence/new", labels},
	} {
		if got := AlertmanagerSilenceBase(c.link, c.labels); got != "" {
			t.Errorf("AlertmanagerSilenceBase(%q, %v) = %q, want none", c.link, c.labels, got)
		}
	}
	if AlertmanagerSilenceURL("", labels) != "" || AlertmanagerSilenceURL("http://am", nil) != "" || AlertmanagerSilenceURL("mailto:x", labels) != "" {
		t.Error("a link without an http(s) external URL or labels")
	}
}

// TestAlertmanagerSilenceLinkEscapes checks the link against the filter
// built and escaped by the standard library, for labels of every kind.
func TestAlertmanagerSilenceLinkEscapes(t *testing.T) {
	reference := func(base string, labels map[string]string) string {
		var f strings.Builder
		f.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(labels)) {
			if i > 0 {
				f.WriteByte(',')
			}
			f.WriteString(k + "=" + strconv.Quote(labels[k]))
		}
		f.WriteByte('}')
		return base + silencePath + url.QueryEscape(f.String())
	}
	many := map[string]string{}
	for i := range 40 {
		many[fmt.Sprintf("label_%02d", i)] = strings.Repeat("v", i*10)
	}
	for _, labels := range []map[string]string{
		{"alertname": "Disk full"},
		{"a": "", "b": "\x00\x7f\t\n", "c": "é ☃ \U0001F600", "d": "\xff\xfe bad utf-8", "e": `$&+,/:;=?@#%[]{}"\'`},
		{"~-_.": "~-_.", "Z9": "ascii 0123456789"},
		many,
	} {
		want := reference("https://am.example:9093", labels)
		if got := AlertmanagerSilenceURL("https://am.example:9093/", labels); got != want {
			t.Errorf("AlertmanagerSilenceURL(%v) =\n%s, want\n%s", labels, got, want)
		}
		if got := AlertmanagerSilenceBase(want, labels); got != "https://am.example:9093" {
			t.Errorf("AlertmanagerSilenceBase of %s = %q", want, got)
		}
	}
}

// The last external URL's check is remembered; another's is made anew.
func TestAlertmanagerSilenceExternalRemembersOne(t *testing.T) {
	for range 2 {
		for _, c := range []struct{ in, want string }{
			{"http://am:9093/", "http://am:9093"}, {"http://am:9093/", "http://am:9093"},
			{"mailto:x", ""}, {"mailto:x", ""}, {"https://am//", "https://am"}, {"", ""}, {"http://", ""},
		} {
			if got := AlertmanagerSilenceExternal(c.in); got != c.want {
				t.Errorf("AlertmanagerSilenceExternal(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}
