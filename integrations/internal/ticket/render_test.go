package ticket_test

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/ticket"
)

func TestCommentHead(t *testing.T) {
	bold := func(s string) string { return "*" + s + "*" }
	for _, c := range []struct {
		c     bot.TicketComment
		plain string
		wiki  string
	}{
		{bot.TicketComment{Kind: bot.EntryUpdate, Status: bot.StatusMonitoring, Actor: "bob"},
			"Status update (monitoring) by bob:", "*Status update* (monitoring) by bob:"},
		{bot.TicketComment{Kind: bot.EntryResolved, Actor: "bob"}, "Resolved by bob.", "*Resolved* by bob."},
		{bot.TicketComment{Kind: bot.EntryReopened}, "Reopened by warroom.", "*Reopened* by warroom."},
		{bot.TicketComment{Kind: bot.EntryActionAdded, Actor: "al"}, "Action item added by al:", "*Action item added* by al:"},
		{bot.TicketComment{Kind: bot.EntryActionDone, Actor: "al"}, "Action item done by al:", "*Action item done* by al:"},
		{bot.TicketComment{Kind: bot.EntryNote, Actor: "al"}, "Note by al:", "*Note* by al:"},
	} {
		t.Run(string(c.c.Kind), func(t *testing.T) {
			if got := ticket.CommentHead(c.c, nil); got != c.plain {
				t.Errorf("plain = %q, want %q", got, c.plain)
			}
			if got := ticket.CommentHead(c.c, bold); got != c.wiki {
				t.Errorf("wiki = %q, want %q", got, c.wiki)
			}
		})
	}
}

func TestHeadline(t *testing.T) {
	inc := &bot.Incident{Number: 42, Severity: bot.SEV1, Title: strings.Repeat("é", 300), DeclaredAt: time.Unix(0, 0)}
	got := ticket.Headline(inc, 160)
	if r := []rune(got); len(r) != 160 || r[159] != '…' {
		t.Errorf("Headline is %d runes ending %q, want 160 ending in …", len(r), r[len(r)-1])
	}
	if !strings.HasPrefix(got, "[INC-42][SEV1] é") {
		t.Errorf("Headline = %q", got[:30])
	}
	if got := ticket.Cut("short", 10); got != "short" {
		t.Errorf("Cut = %q, want it unchanged", got)
	}
}
