package jira

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// maxSummary is Jira's limit on a summary.
const maxSummary = 255

// label is the label that identifies an incident's issue: warroom-inc-42.
func label(number int64) string { return "warroom-inc-" + strconv.FormatInt(number, 10) }

// actionLabel identifies an action item's issue: warroom-inc-42-action-3.
func actionLabel(number int64, seq int) string {
	return label(number) + "-action-" + strconv.Itoa(seq)
}

var labelRe = regexp.MustCompile(`^warroom-inc-([1-9]\d{0,17})(?:-action-([1-9]\d{0,8}))?$`)

// issueKeyRe is the shape of a Jira issue key, e.g. OPS-42.
var issueKeyRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*-[1-9]\d*$`)

// parseLabels finds the incident (and action item) an issue belongs to.
func parseLabels(labels []string) (number int64, seq int, ok bool) {
	for _, l := range labels {
		m := labelRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n <= 0 {
			continue
		}
		if m[2] != "" {
			s, err := strconv.Atoi(m[2])
			if err != nil {
				continue
			}
			return n, s, true
		}
		number, ok = n, true
	}
	return number, 0, ok
}

// summary is "[INC-42][SEV1] title", cut to Jira's limit.
func summary(inc *bot.Incident) string { return ticket.Headline(inc, maxSummary) }

// labels of an incident's issue.
func (j *Jira) labels(number int64) []string {
	out := []string{label(number)}
	for _, l := range j.cfg.Labels {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// description renders the incident for the issue body, in wiki markup.
func (j *Jira) description(inc *bot.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "h3. %s %s: %s\n\n", inc.Severity, inc.Key(), wikiLine(inc.Title))
	row := func(k, v string) {
		if v == "" {
			v = "—"
		}
		fmt.Fprintf(&b, "*%s:* %s\n", k, wikiLine(v))
	}
	row("Status", string(inc.Status))
	row("Severity", inc.Severity.String())
	row("Impact", inc.Impact)
	row("Service", inc.Service)
	row("Commander", inc.Commander())
	row("Declared", inc.DeclaredAt.UTC().Format("2006-01-02 15:04 UTC"))
	if inc.Summary != "" {
		fmt.Fprintf(&b, "\n%s\n", inc.Summary)
	}
	b.WriteString("\n")
	if j.cfg.PublicURL != "" {
		fmt.Fprintf(&b, "[Open %s in warroom|%s/incidents/%d]\n", inc.Key(), j.cfg.PublicURL, inc.Number)
	}
	for _, p := range slices.Sorted(maps.Keys(inc.Channels)) {
		fmt.Fprintf(&b, "*%s channel:* %s\n", platformName(p), wikiLine(inc.Channels[p]))
	}
	b.WriteString("\n_Kept in step by warroom: edit the incident there, not here._")
	return b.String()
}

// comment renders a ticket comment with its reference marker.
func commentBody(key string, c bot.TicketComment) string {
	head := ticket.CommentHead(c, func(s string) string { return "*" + s + "*" })
	text := c.Text
	if c.Kind == bot.EntryResolved || c.Kind == bot.EntryReopened {
		text = strings.TrimPrefix(strings.TrimPrefix(text, "Resolved"), ": ")
		text = strings.TrimPrefix(text, "Reopened")
	}
	body := head
	if strings.TrimSpace(text) != "" {
		body += "\n" + text
	}
	return body + "\n\n" + marker(key, c.Ref)
}

// marker tags what warroom wrote, so a retry finds it and a webhook does not
// echo it: "~warroom INC-42 e17~" (subscript in wiki markup).
func marker(key, ref string) string { return "~warroom " + key + " " + ref + "~" }

var markerRe = regexp.MustCompile(`~warroom INC-\d+ [a-z0-9-]+~`)

// wikiLine keeps a value on one line.
func wikiLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func platformName(p string) string {
	if p == "" {
		return p
	}
	return strings.ToUpper(p[:1]) + p[1:]
}
