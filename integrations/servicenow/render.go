package servicenow

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

// maxShort is short_description's usual length.
const maxShort = 160

// shortDescription is "[INC-42][SEV1] title", cut to maxShort.
func shortDescription(inc *bot.Incident) string { return ticket.Headline(inc, maxShort) }

// description renders the incident as plain text.
func (s *ServiceNow) description(inc *bot.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n\n", inc.Severity, inc.Key(), inc.Title)
	row := func(k, v string) {
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	row("Status", string(inc.Status))
	row("Impact", inc.Impact)
	row("Service", inc.Service)
	row("Commander", inc.Commander())
	row("Declared", inc.DeclaredAt.UTC().Format("2006-01-02 15:04 UTC"))
	if inc.Summary != "" {
		fmt.Fprintf(&b, "\n%s\n", inc.Summary)
	}
	if s.cfg.PublicURL != "" {
		fmt.Fprintf(&b, "\nwarroom: %s/incidents/%d\n", s.cfg.PublicURL, inc.Number)
	}
	for _, p := range slices.Sorted(maps.Keys(inc.Channels)) {
		fmt.Fprintf(&b, "%s channel: %s\n", p, inc.Channels[p])
	}
	b.WriteString("\nKept in step by warroom: edit the incident there.")
	return b.String()
}

// workNote renders a comment for the work notes, with its marker.
func workNote(key string, c bot.TicketComment) string {
	head := ticket.CommentHead(c, nil)
	text := c.Text
	switch c.Kind {
	case bot.EntryResolved:
		text = strings.TrimPrefix(strings.TrimPrefix(text, "Resolved"), ": ")
	case bot.EntryReopened:
		text = strings.TrimPrefix(text, "Reopened")
	}
	if strings.TrimSpace(text) != "" {
		head += "\n" + text
	}
	return head + "\n\n" + marker(key, c.Ref)
}

// marker tags a work note so a retry finds it: "[warroom INC-42 e17]".
func marker(key, ref string) string { return "[warroom " + key + " " + ref + "]" }

func contains(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
