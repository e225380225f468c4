package bot_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// TestNamesRenderWithoutWaiting: an unknown id renders as the id at once
// and is resolved in the background; once known it renders as the name
// (mentions in chat syntax stay ids), is stored for the next start, and
// is asked again only after it expires.
// runNames runs n until the test ends and waits for it to return before
// the store closes (cleanups run last registered first): a lookup still
// being stored never outlives the test.
func runNames(t *testing.T, n *bot.Names) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Run(ctx, time.Hour)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func TestNamesRenderWithoutWaiting(t *testing.T) {
	env := testkit.NewService(t)
	clock := testkit.NewClock(testkit.Start)
	people, err := bot.NewPeople([]bot.Person{{Email: "carol@example.com", Name: "Carol (configured)", IDs: map[string]string{"slack": "U0CAROL"}}})
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	resolver := func(_ context.Context, id string) (bot.PersonName, error) {
		asked.Add(1)
		if id == "U0GHOST" {
			return bot.PersonName{}, errors.New("user_not_found")
		}
		return bot.PersonName{Name: "Alice Smith", Email: "alice@example.com"}, nil
	}
	n := bot.NewNames(env.Store, people, time.Hour, clock.Now, nil)
	n.Resolve("slack", resolver)
	runNames(t, n)

	if got := n.Text("U0ALICE resolved INC-1"); got != "U0ALICE resolved INC-1" {
		t.Errorf("an unknown id renders as %q", got)
	}
	testkit.Eventually(t, "the name resolved", func() bool { return n.Name("@U0ALICE") == "@Alice Smith" })
	for in, want := range map[string]string{
		"U0ALICE resolved INC-1: fixed":   "Alice Smith resolved INC-1: fixed",
		"Commander: @U0ALICE":             "Commander: @Alice Smith",
		"<@U0ALICE> please ack":           "<@U0ALICE> please ack",
		"UPDATE from U0CAROL":             "UPDATE from Carol (configured)",
		"no ids here, INC-12345678901234": "no ids here, INC-12345678901234",
	} {
		if got := n.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	m := n.Message(bot.Message{Title: "Escalation", Fields: []bot.Field{{Label: "Commander", Value: "U0ALICE"}}, Mentions: []string{"U0ALICE"}})
	if m.Fields[0].Value != "Alice Smith" || m.Mentions[0] != "U0ALICE" {
		t.Errorf("Message: %+v", m)
	}
	n.Name("U0GHOST")
	testkit.Eventually(t, "the failed lookup is done", func() bool { return asked.Load() >= 2 })
	if got := n.Name("U0GHOST"); got != "U0GHOST" {
		t.Errorf("a name that failed renders as %q", got)
	}
	failed := asked.Load()
	for range 3 {
		n.Name("U0GHOST") // not asked again at every rendering
	}
	if asked.Load() != failed {
		t.Errorf("a failed name was asked again at once: %d asks, was %d", asked.Load(), failed)
	}

	// Stored: a new process knows it without asking.
	fresh := bot.NewNames(env.Store, nil, time.Hour, clock.Now, nil)
	runNames(t, fresh)
	testkit.Eventually(t, "the stored name loaded", func() bool { return fresh.Name("U0ALICE") == "Alice Smith" })

	// Expired: asked again, still shown meanwhile.
	before := asked.Load()
	clock.Advance(2 * time.Hour)
	if got := n.Name("U0ALICE"); got != "Alice Smith" {
		t.Errorf("an expired name renders as %q while it is refreshed", got)
	}
	testkit.Eventually(t, "the expired name asked again", func() bool { return asked.Load() > before })
}
