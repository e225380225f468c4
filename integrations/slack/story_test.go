package slack_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// TestIncidentStory runs one incident from Slack, start to end.
func TestIncidentStory(t *testing.T) {
	s := newStack(t, options{})
	ctx := context.Background()

	// Alice declares from #general, naming Bob commander.
	r := s.command("U0ALICE", "C0GENERAL", "/incident declare sev2 Checkout latency above SLO --service checkout --commander <@U0BOB>")
	if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "Declared INC-1") {
		t.Fatalf("declare reply = %+v", r)
	}
	s.drain()

	// A channel is created, linked, people are invited and the topic is set.
	ch := s.channel(1)
	if ch.Name != "inc-1-checkout-latency-above-slo" || ch.Private {
		t.Errorf("channel = %+v", ch)
	}
	for _, u := range []string{"U0ALICE", "U0BOB", "U0RESP", "U0GROUP1", "U0GROUP2"} {
		if !slices.Contains(ch.Members, u) {
			t.Errorf("%s not invited; members %v", u, ch.Members)
		}
	}
	if want := "SEV2 INC-1 | triggered | commander <@U0BOB>"; ch.Topic != want {
		t.Errorf("topic = %q, want %q", ch.Topic, want)
	}
	// The card is posted and pinned, the incident announced.
	msgs := s.messages(ch.ID)
	if len(msgs) != 1 || !msgs[0].Pinned || !strings.Contains(string(msgs[0].Blocks), "Acknowledge") {
		t.Fatalf("incident channel messages = %+v", msgs)
	}
	card := msgs[0]
	if card.UnfurlLinks != "false" || card.UnfurlMedia != "false" {
		t.Errorf("card unfurls: links %q media %q", card.UnfurlLinks, card.UnfurlMedia)
	}
	ann := s.messages(announceID)
	if len(ann) != 1 || !strings.Contains(ann[0].Text, "INC-1") {
		t.Fatalf("announcements = %+v", ann)
	}

	// Bob clicks Acknowledge: the card and the announcement are edited in place.
	s.click("U0BOB", card, "Acknowledge")
	s.drain()
	card, ann = s.messages(ch.ID)[0], s.messages(announceID)
	if card.Edits != 1 || strings.Contains(string(card.Blocks), "Acknowledge") || !strings.Contains(string(card.Blocks), "acknowledged") {
		t.Errorf("card after ack: edits %d, blocks %s", card.Edits, card.Blocks)
	}
	if len(ann) != 1 || ann[0].Edits != 1 {
		t.Errorf("announcement after ack = %+v", ann)
	}
	if got := lastResponse(t, s.fake); !strings.Contains(got.Text, "acknowledged by <@U0BOB>") || got.ResponseType != "ephemeral" {
		t.Errorf("ack response = %+v", got)
	}
	if n := len(s.messages(ch.ID)); n != 1 {
		t.Errorf("%d messages in the channel after ack, want the card alone", n)
	}

	// Bob clicks Post update: a modal opens; he submits it.
	s.click("U0BOB", card, "Post update")
	views := s.fake.Views()
	if len(views) != 1 || !strings.Contains(string(views[0]), "warroom_update") {
		t.Fatalf("views = %s", views)
	}
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	if err := json.Unmarshal(views[0], &view); err != nil {
		t.Fatal(err)
	}
	rec := s.submit("U0BOB", "warroom_update", view.PrivateMetadata, map[string]map[string]any{
		"status": {"status": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "identified"}}},
		"text":   {"text": map[string]any{"type": "plain_text_input", "value": "Bad deploy 1234 found; rolling back"}},
	})
	if rec.Body.Len() != 0 {
		t.Errorf("submission answered %s, want an empty 200", rec.Body)
	}
	s.drain()
	msgs = s.messages(ch.ID)
	if len(msgs) != 2 || !strings.Contains(string(msgs[1].Blocks), "rolling back") {
		t.Fatalf("channel after update = %+v", msgs)
	}
	ann = s.messages(announceID)
	if len(ann) != 2 || ann[1].ThreadTS != ann[0].TS || ann[0].Edits != 2 || !strings.Contains(string(ann[0].Blocks), "identified") {
		t.Errorf("announcement after update: %+v", ann)
	}

	// Typed in the channel, resolve acts on the channel's incident.
	r = s.command("U0BOB", ch.ID, "/incident resolve Rolled back deploy 1234")
	if !strings.Contains(r.Text, "INC-1 resolved") {
		t.Fatalf("resolve reply = %+v", r)
	}
	s.drain()
	msgs = s.messages(ch.ID)
	card = msgs[0]
	if strings.Contains(string(card.Blocks), `"actions"`) || !strings.Contains(string(card.Blocks), "resolved") {
		t.Errorf("resolved card still has buttons or no status: %s", card.Blocks)
	}
	last := msgs[len(msgs)-1]
	if !strings.Contains(last.Text, "Timeline of INC-1") || !strings.Contains(string(last.Blocks), "acknowledged") {
		t.Errorf("summary = %+v", last)
	}
	if ch := s.channel(1); ch.Topic != "SEV2 INC-1 | resolved | commander <@U0BOB>" {
		t.Errorf("topic after resolve = %q", ch.Topic)
	}

	// Nothing was posted twice: redelivering every job changes nothing.
	before := len(s.fake.Calls("chat.postMessage"))
	inc, _ := s.svc.Get(ctx, 1)
	for _, h := range []bot.JobKind{"slack.open", "slack.card"} {
		if err := s.app.Handlers()[h](ctx, bot.Job{ID: 1, Kind: h, Incident: inc.Number}); err != nil {
			t.Fatalf("%s again: %v", h, err)
		}
	}
	if after := len(s.fake.Calls("chat.postMessage")); after != before {
		t.Errorf("redelivery posted %d more messages", after-before)
	}
}

// TestStaleClickRefreshesCard: a click on a card whose incident has moved
// on does nothing but refresh the card and say so.
func TestStaleClickRefreshesCard(t *testing.T) {
	s := newStack(t, options{})
	s.command("U0ALICE", "C0GENERAL", "/incident declare Disk full on db-3")
	s.drain()
	ch := s.channel(1)
	card := s.messages(ch.ID)[0]
	if _, err := s.svc.Ack(context.Background(), bot.Cause{}, 1, "U0CAROL"); err != nil {
		t.Fatal(err)
	}
	// Delete the queued card edit, as if it had not run yet: the old card stays.
	s.click("U0ALICE", card, "Acknowledge")
	got := lastResponse(t, s.fake)
	if !strings.Contains(got.Text, "has moved on") {
		t.Errorf("stale click response = %+v", got)
	}
	audit, _ := s.svc.Audit(context.Background(), bot.AuditFilter{Incident: 1})
	for _, a := range audit {
		if a.Actor == "U0ALICE" && a.Action == "status" {
			t.Errorf("the stale click ran the command: %+v", a)
		}
	}
	s.drain()
	if card := s.messages(ch.ID)[0]; strings.Contains(string(card.Blocks), "Acknowledge") {
		t.Errorf("card not refreshed: %s", card.Blocks)
	}
}

// TestDeclareWithoutArgumentsOpensModal: /incident declare alone opens the
// declare form, and its submission declares.
func TestDeclareWithoutArgumentsOpensModal(t *testing.T) {
	s := newStack(t, options{})
	r := s.command("U0ALICE", "C0GENERAL", "/incident declare")
	if r.Text != "" {
		t.Errorf("declare with no arguments replied %+v, want an empty 200 and a modal", r)
	}
	views := s.fake.Views()
	if len(views) != 1 || !strings.Contains(string(views[0]), "warroom_declare") {
		t.Fatalf("views = %s", views)
	}
	s.submit("U0ALICE", "warroom_declare", "C0GENERAL", map[string]map[string]any{
		"title":    {"title": map[string]any{"type": "plain_text_input", "value": `Payments "EU" --private down`}},
		"severity": {"severity": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "sev1"}}},
		"service":  {"service": map[string]any{"type": "plain_text_input", "value": "payments"}},
		"summary":  {"summary": map[string]any{"type": "plain_text_input", "value": "Card payments fail in the EU"}},
		"private":  {"private": map[string]any{"type": "checkboxes", "selected_options": []map[string]string{{"value": "private"}}}},
	})
	inc, err := s.svc.Get(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Title != `Payments "EU" --private down` || inc.Severity != bot.SEV1 || inc.Service != "payments" || !inc.Private || inc.Summary != "Card payments fail in the EU" {
		t.Errorf("declared %+v", inc)
	}
	s.drain()
	ch := s.channel(1)
	if !ch.Private || !strings.HasPrefix(ch.ID, "G") {
		t.Errorf("private incident got channel %+v", ch)
	}
	if n := len(s.messages(announceID)); n != 0 {
		t.Errorf("a private incident was announced (%d messages)", n)
	}
	// A bad submission keeps the modal open with the error under the title.
	rec := s.submit("U0ALICE", "warroom_declare", "C0GENERAL", map[string]map[string]any{
		"title": {"title": map[string]any{"type": "plain_text_input", "value": "   "}},
	})
	if !strings.Contains(rec.Body.String(), `"response_action":"errors"`) || !strings.Contains(rec.Body.String(), `"title"`) {
		t.Errorf("bad submission answered %s", rec.Body)
	}
}

// TestTakenNameGetsSuffix: a taken channel name gets -2.
func TestTakenNameGetsSuffix(t *testing.T) {
	s := newStack(t, options{})
	s.fake.AddChannel("C0TAKEN", "inc-1-api-errors")
	s.command("U0ALICE", "C0GENERAL", "/incident declare API errors")
	s.drain()
	if ch := s.channel(1); ch.Name != "inc-1-api-errors-2" {
		t.Errorf("channel name = %q", ch.Name)
	}
}

// TestChannelCommandErrorsAreEphemeral: errors go to the person who typed.
func TestChannelCommandErrorsAreEphemeral(t *testing.T) {
	s := newStack(t, options{})
	s.command("U0ALICE", "C0GENERAL", "/incident declare API errors")
	s.drain()
	ch := s.channel(1)
	r := s.command("U0BOB", ch.ID, "/incident status closed-ish")
	if r.ResponseType != "ephemeral" || !strings.Contains(r.Text, ":warning:") {
		t.Errorf("error reply = %+v", r)
	}
	r = s.command("U0BOB", ch.ID, "/incident ack")
	if r.ResponseType != "in_channel" || !strings.Contains(r.Text, "INC-1 acknowledged by <@U0BOB>") {
		t.Errorf("ack in channel = %+v", r)
	}
}

func lastResponse(t *testing.T, f *slacktest.Server) reply {
	t.Helper()
	rs := f.Responses()
	if len(rs) == 0 {
		t.Fatal("nothing was posted to a response_url")
	}
	var r reply
	if err := json.Unmarshal(rs[len(rs)-1], &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTakeCommand: the Take command button makes the clicker commander
// ("@me"), who is invited to the channel and named in the topic.
func TestTakeCommand(t *testing.T) {
	s := newStack(t, options{})
	declare(t, s, "Queue backlog")
	ch := s.channel(1)
	s.click("U0NEWCMD", s.messages(ch.ID)[0], "Take command")
	s.drain()
	inc, _ := s.svc.Get(context.Background(), 1)
	if inc.Commander() != "U0NEWCMD" {
		t.Fatalf("commander = %q", inc.Commander())
	}
	ch = s.channel(1)
	if !slices.Contains(ch.Members, "U0NEWCMD") || !strings.Contains(ch.Topic, "<@U0NEWCMD>") {
		t.Errorf("channel after take command = %+v", ch)
	}
	if strings.Contains(string(s.messages(ch.ID)[0].Blocks), "Take command") {
		t.Errorf("the card still offers command")
	}
}

// TestShortcutOpensDeclareForm: the global shortcut opens the declare form.
func TestShortcutOpensDeclareForm(t *testing.T) {
	s := newStack(t, options{})
	s.interact(map[string]any{"type": "shortcut", "callback_id": "warroom_declare_shortcut", "trigger_id": "trig-1",
		"user": map[string]string{"id": "U0ALICE"}})
	if v := s.fake.Views(); len(v) != 1 || !strings.Contains(string(v[0]), "warroom_declare") {
		t.Errorf("views = %s", v)
	}
}

// slowPager takes its time, as a paging API may.
type slowPager struct{ release chan struct{} }

func (p slowPager) Page(ctx context.Context, _ *bot.Incident, target, _, _ string) (string, error) {
	<-p.release
	return "Paged the on-call of " + target + " (PagerDuty Q1W2E3)", nil
}

// TestSlowCommandAnswersInTime: a command still running when the reply
// budget runs out is answered "working on it" at once; its reply follows
// through the response_url, replacing that answer.
func TestSlowCommandAnswersInTime(t *testing.T) {
	pager := slowPager{release: make(chan struct{})}
	s := newStack(t, options{pager: pager, budget: 50 * time.Millisecond})
	declare(t, s, "Payments down")
	start := time.Now()
	r := s.command("U0ALICE", s.channel(1).ID, "/incident page payments")
	if took := time.Since(start); took > time.Second || !strings.Contains(r.Text, "Working on it") || r.ResponseType != "ephemeral" {
		t.Fatalf("slow command answered %+v after %s", r, took)
	}
	close(pager.release)
	s.app.Wait()
	got := lastResponse(t, s.fake)
	if !strings.Contains(got.Text, "Paged the on-call of payments") {
		t.Errorf("follow-up = %+v", got)
	}
	var raw map[string]any
	rs := s.fake.Responses()
	_ = json.Unmarshal(rs[len(rs)-1], &raw)
	if raw["replace_original"] != true {
		t.Errorf("the follow-up does not replace the placeholder: %s", rs[len(rs)-1])
	}
}
