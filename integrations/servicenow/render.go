package servicenow

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/warroom/warroom/bot"
)

// maxShort is short_description's usual length.
const maxShort = 160

func shortDescription(inc *bot.Incident) string {
	s := fmt.Sprintf("[%s][%s] %s", inc.Key(), inc.Severity, inc.Title)
	if r := []rune(s); len(r) > maxShort {
		s = string(r[:maxShort-1]) + "…"
	}
	return s
}

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
	who := c.Actor
	if who == "" {
		who = "warroom"
	}
	var head string
	switch c.Kind {
	case bot.EntryUpdate:
		head = fmt.Sprintf("Status update (%s) by %s:", c.Status, who)
	case bot.EntryResolved:
		head = fmt.Sprintf("Resolved by %s.", who)
	case bot.EntryReopened:
		head = fmt.Sprintf("Reopened by %s.", who)
	case bot.EntryActionAdded:
		head = fmt.Sprintf("Action item added by %s:", who)
	case bot.EntryActionDone:
		head = fmt.Sprintf("Action item done by %s:", who)
	default:
		head = fmt.Sprintf("Note by %s:", who)
	}
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
