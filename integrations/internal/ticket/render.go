package ticket

import (
	"fmt"

	"github.com/warroom/warroom/bot"
)

// Headline is "[INC-42][SEV1] title", cut to n runes.
func Headline(inc *bot.Incident, n int) string {
	return Cut(fmt.Sprintf("[%s][%s] %s", inc.Key(), inc.Severity, inc.Title), n)
}

// Cut shortens s to n runes, the last an ellipsis.
func Cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// CommentHead is the first line of a comment warroom writes: what happened
// and who did it, e.g. "Status update (monitoring) by alice:". emph marks up
// the what ("*Status update*" in Jira's wiki markup); nil leaves it plain.
func CommentHead(c bot.TicketComment, emph func(string) string) string {
	if emph == nil {
		emph = func(s string) string { return s }
	}
	who := c.Actor
	if who == "" {
		who = "warroom"
	}
	switch c.Kind {
	case bot.EntryUpdate:
		return fmt.Sprintf("%s (%s) by %s:", emph("Status update"), c.Status, who)
	case bot.EntryResolved:
		return fmt.Sprintf("%s by %s.", emph("Resolved"), who)
	case bot.EntryReopened:
		return fmt.Sprintf("%s by %s.", emph("Reopened"), who)
	case bot.EntryActionAdded:
		return fmt.Sprintf("%s by %s:", emph("Action item added"), who)
	case bot.EntryActionDone:
		return fmt.Sprintf("%s by %s:", emph("Action item done"), who)
	}
	return fmt.Sprintf("%s by %s:", emph("Note"), who)
}

// Named is c with chat ids in its actor and text rendered as display
// names by names (bot.Names.Text); nil names leaves it as it is.
func Named(c bot.TicketComment, names func(string) string) bot.TicketComment {
	if names != nil {
		c.Actor, c.Text = names(c.Actor), names(c.Text)
	}
	return c
}
