package bot_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
)

// ticketFixture is a Service with two ticket targets and no chat target.
func ticketFixture(t *testing.T) (*bot.Service, bot.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "w.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := newClock()
	svc, err := bot.NewService(bot.Config{Now: clk.Now, Tickets: bot.TicketConfig{Targets: []bot.TicketTarget{
		{Name: "jira", Actions: true}, {Name: "servicenow"},
	}}}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc, st, clk
}

// claimAll claims every due job, oldest first per order key, and completes it.
func claimAll(t *testing.T, st bot.Store, now time.Time) []bot.Job {
	t.Helper()
	var out []bot.Job
	for {
		js, err := st.Claim(context.Background(), "test", "", now, time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			return out
		}
		for _, j := range js {
			out = append(out, j)
			if err := st.Complete(context.Background(), j.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func kindsOf(js []bot.Job) []string {
	var ks []string
	for _, j := range js {
		ks = append(ks, string(j.Kind))
	}
	slices.Sort(ks)
	return ks
}

func TestTicketJobs(t *testing.T) {
	ctx := context.Background()
	svc, st, clk := ticketFixture(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	low, err := svc.Declare(ctx, bot.DeclareInput{Title: "Below", Severity: bot.SEV3})
	must(low, err)
	if js := claimAll(t, st, clk.Now()); len(js) != 0 {
		t.Fatalf("a SEV3 wrote ticket jobs: %v", kindsOf(js))
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Above", Severity: bot.SEV2})
	must(inc, err)
	js := claimAll(t, st, clk.Now())
	if got := kindsOf(js); !slices.Equal(got, []string{"jira.sync", "servicenow.sync"}) {
		t.Fatalf("declare wrote %v", got)
	}
	if js[0].OrderKey != js[0].Kind.Target()+":INC-2" || js[0].CoalesceKey == "" {
		t.Errorf("sync job keys = %q / %q", js[0].OrderKey, js[0].CoalesceKey)
	}

	// A burst of state changes coalesces; comments do not.
	must(svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"))
	must(svc.SetSeverity(ctx, inc.Number, "bob", bot.SEV1))
	must(svc.PostUpdate(ctx, inc.Number, "bob", "Failing over", ""))
	must(svc.AddNote(ctx, inc.Number, "bob", "db-3 is the culprit"))
	js = claimAll(t, st, clk.Now())
	want := []string{"jira.comment", "jira.comment", "jira.sync", "servicenow.comment", "servicenow.comment", "servicenow.sync"}
	if got := kindsOf(js); !slices.Equal(got, want) {
		t.Fatalf("burst wrote %v, want %v", got, want)
	}
	var c bot.TicketComment
	for _, j := range js {
		if j.Kind == "jira.comment" {
			if err := json.Unmarshal(j.Payload, &c); err != nil || c.Ref == "" || c.Kind != bot.EntryUpdate || c.Text != "Failing over" || c.Actor != "bob" {
				t.Fatalf("first comment = %+v (%v)", c, err)
			}
			break
		}
	}

	// Action items: a job of their own in Jira, a comment in ServiceNow.
	must(svc.AddAction(ctx, inc.Number, "bob", bot.ActionInput{Title: "Alert on replication lag"}))
	if got := kindsOf(claimAll(t, st, clk.Now())); !slices.Equal(got, []string{"jira.action", "servicenow.comment"}) {
		t.Fatalf("action add wrote %v", got)
	}

	// A change that came from Jira writes nothing back to Jira.
	fromJira := bot.Cause{Origin: "jira"}
	must(svc.MirrorNote(ctx, fromJira, inc.Number, "dana", "commented in Jira", nil))
	if got := kindsOf(claimAll(t, st, clk.Now())); !slices.Equal(got, []string{"servicenow.comment"}) {
		t.Fatalf("mirrored note wrote %v", got)
	}
	must(svc.SetLink(ctx, fromJira, inc.Number, "warroom", "jira", bot.Link{ID: "OPS-1"}))
	if got := kindsOf(claimAll(t, st, clk.Now())); len(got) != 0 {
		t.Fatalf("linking wrote %v", got)
	}

	// Below the threshold but linked: synced.
	must(svc.SetLink(ctx, fromJira, low.Number, "warroom", "jira", bot.Link{ID: "OPS-2"}))
	claimAll(t, st, clk.Now())
	must(svc.SetField(ctx, low.Number, "bob", bot.FieldTitle, "Renamed"))
	if got := kindsOf(claimAll(t, st, clk.Now())); !slices.Equal(got, []string{"jira.sync"}) {
		t.Fatalf("linked SEV3 change wrote %v", got)
	}
	if err := svc.RequestTicketSync(ctx, low.Number, "servicenow"); err != nil {
		t.Fatal(err)
	}
	if got := kindsOf(claimAll(t, st, clk.Now())); !slices.Equal(got, []string{"servicenow.sync"}) {
		t.Fatalf("RequestTicketSync wrote %v", got)
	}
	item, err := svc.SetActionTicket(ctx, fromJira, inc.Number, 1, "jira", "OPS-3", "")
	if err != nil || item.Ticket != "OPS-3" {
		t.Fatalf("SetActionTicket = %+v, %v", item, err)
	}
}
