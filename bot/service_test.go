package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

type fixture struct {
	svc   *bot.Service
	store bot.Store
	clock *testkit.Clock
	pokes atomic.Int64
	ctx   context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: testkit.NewClock(testkit.Start), ctx: context.Background()}
	env := testkit.NewService(t, testkit.WithClock(f.clock), testkit.WithConfig(bot.Config{
		Targets: []string{"console"}, Roles: []string{"liaison"}, PublicURL: "http://w/",
		AfterCommit: func() { f.pokes.Add(1) },
	}))
	f.svc, f.store = env.Svc, env.Store
	return f
}

func (f *fixture) declare(t *testing.T, title string) *bot.Incident {
	t.Helper()
	inc, err := f.svc.Declare(f.ctx, bot.DeclareInput{Title: title, Severity: bot.SEV2, Service: "payments", Actor: "@alice"})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// jobs claims every due job and returns their kinds in order.
func (f *fixture) jobs(t *testing.T) []string {
	t.Helper()
	var kinds []string
	for {
		js, err := f.store.Claim(f.ctx, "test", "", f.clock.Now(), time.Minute, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 0 {
			return kinds
		}
		for _, j := range js {
			kinds = append(kinds, string(j.Kind))
			if err := f.store.Complete(f.ctx, j.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (f *fixture) kinds(t *testing.T, n int64) []bot.EntryKind {
	t.Helper()
	tl, err := f.svc.Timeline(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	var out []bot.EntryKind
	for _, e := range tl {
		out = append(out, e.Kind)
	}
	return out
}

func TestDeclareWritesIncidentTimelineAuditAndOutbox(t *testing.T) {
	f := newFixture(t)
	inc := f.declare(t, "Checkout latency above SLO")
	if inc.Key() != "INC-1" || inc.Status != bot.StatusTriggered || inc.Source != "manual" ||
		!inc.StartedAt.Equal(f.clock.Now()) || !inc.DeclaredAt.Equal(f.clock.Now()) {
		t.Fatalf("declared %+v", inc)
	}
	got, err := f.svc.Get(f.ctx, 1)
	if err != nil || got.Title != "Checkout latency above SLO" || got.Service != "payments" || got.Severity != bot.SEV2 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if k := f.kinds(t, 1); len(k) != 1 || k[0] != bot.EntryDeclared {
		t.Errorf("timeline = %v", k)
	}
	audit, err := f.svc.Audit(f.ctx, bot.AuditFilter{Incident: 1})
	if err != nil || len(audit) != 1 || audit[0].Action != "declare" || audit[0].Actor != "alice" || audit[0].After["title"] != "Checkout latency above SLO" {
		t.Errorf("audit = %+v, %v", audit, err)
	}
	if jobs := f.jobs(t); strings.Join(jobs, ",") != "console.open" {
		t.Errorf("outbox = %v, want console.open", jobs)
	}
	if f.pokes.Load() != 1 {
		t.Errorf("AfterCommit ran %d times, want 1", f.pokes.Load())
	}
	if inc2 := f.declare(t, "second"); inc2.Number != 2 {
		t.Errorf("second incident is %s", inc2.Key())
	}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "DB down")
	f.jobs(t)

	f.clock.Advance(3 * time.Minute)
	inc, err := f.svc.Ack(f.ctx, bot.Cause{}, 1, "bob")
	if err != nil || inc.Status != bot.StatusAcknowledged || !inc.AcknowledgedAt.Equal(f.clock.Now()) {
		t.Fatalf("ack = %+v, %v", inc, err)
	}
	if d, _ := inc.TimeToAcknowledge(); d != 3*time.Minute {
		t.Errorf("MTTA = %v", d)
	}
	if _, err := f.svc.Ack(f.ctx, bot.Cause{}, 1, "carol"); bot.ErrorCode(err) != bot.CodeConflict || !strings.Contains(err.Error(), "allowed: investigating") {
		t.Errorf("second ack error = %v, want conflict naming allowed moves", err)
	}
	if _, err := f.svc.PostUpdate(f.ctx, 1, "bob", "Failing over", bot.StatusIdentified); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetSeverity(f.ctx, 1, "bob", bot.SEV1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AssignRole(f.ctx, 1, "bob", "commander", "@bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddNote(f.ctx, 1, "bob", "replica lag 30s"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	inc, err = f.svc.Resolve(f.ctx, bot.Cause{}, 1, "bob", "failed over to the standby")
	if err != nil || inc.ResolvedAt == nil {
		t.Fatalf("resolve = %+v, %v", inc, err)
	}
	inc, err = f.svc.Reopen(f.ctx, 1, "bob")
	if err != nil || inc.Status != bot.StatusInvestigating || inc.ResolvedAt != nil {
		t.Fatalf("reopen = %+v, %v", inc, err)
	}
	f.clock.Advance(time.Minute)
	if inc, err = f.svc.Close(f.ctx, 1, "bob"); err != nil || inc.ResolvedAt == nil || inc.ClosedAt == nil {
		t.Fatalf("close from investigating = %+v, %v; want resolved and closed times set", inc, err)
	}
	if _, err := f.svc.Reopen(f.ctx, 1, "bob"); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("reopen closed = %v, want conflict", err)
	}
	if _, err := f.svc.SetStatus(f.ctx, 1, "bob", bot.StatusMonitoring); bot.ErrorCode(err) != bot.CodeConflict || !strings.Contains(err.Error(), "cannot change status any more") {
		t.Errorf("status on closed = %v", err)
	}
	want := []bot.EntryKind{
		bot.EntryDeclared, bot.EntryAcknowledged, bot.EntryStatusChanged, bot.EntryUpdate,
		bot.EntrySeverityChanged, bot.EntryRoleAssigned, bot.EntryNote, bot.EntryResolved,
		bot.EntryReopened, bot.EntryClosed,
	}
	if got := f.kinds(t, 1); !equalKinds(got, want) {
		t.Errorf("timeline = %v\nwant %v", got, want)
	}
	// Every change refreshed the card (coalesced into one pending job while
	// nobody claimed), and the update, severity, role, resolve and reopen posted.
	jobs := strings.Join(f.jobs(t), ",")
	if strings.Count(jobs, "console.card") != 1 || strings.Count(jobs, "console.post") != 5 {
		t.Errorf("outbox = %s", jobs)
	}
}

func equalKinds(a, b []bot.EntryKind) bool {
	return strings.Join(kindStrings(a), ",") == strings.Join(kindStrings(b), ",")
}

func kindStrings(ks []bot.EntryKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestForwardJumpCountsAsAcknowledged(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	f.clock.Advance(time.Minute)
	inc, err := f.svc.SetStatus(f.ctx, 1, "bob", bot.StatusMonitoring)
	if err != nil || inc.AcknowledgedAt == nil || !inc.AcknowledgedAt.Equal(f.clock.Now()) {
		t.Fatalf("jump = %+v, %v", inc, err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.svc.Resolve(f.ctx, bot.Cause{}, 1, "bob", ""); err != nil {
		t.Fatalf("resolve: %v", err)
	}
	if inc, err = f.svc.Reopen(f.ctx, 1, "bob"); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if !inc.AcknowledgedAt.Equal(f.clock.At(-time.Minute)) {
		t.Errorf("acknowledged time moved on reopen: %v", inc.AcknowledgedAt)
	}
}

func TestRejectedChangesWriteNothing(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	f.jobs(t)
	before, _ := f.svc.Audit(f.ctx, bot.AuditFilter{})
	bad := []func() error{
		func() error { _, err := f.svc.SetStatus(f.ctx, 1, "a", bot.StatusTriggered); return err },
		func() error { _, err := f.svc.SetSeverity(f.ctx, 1, "a", bot.SEV2); return err },
		func() error { _, err := f.svc.SetSeverity(f.ctx, 1, "a", 9); return err },
		func() error { _, err := f.svc.AssignRole(f.ctx, 1, "a", "pilot", "bob"); return err },
		func() error { _, err := f.svc.AssignRole(f.ctx, 1, "a", "scribe", "@"); return err },
		func() error { _, err := f.svc.AddNote(f.ctx, 1, "a", " \u200b "); return err },
		func() error { _, err := f.svc.Ack(f.ctx, bot.Cause{}, 99, "a"); return err },
		func() error { _, err := f.svc.CompleteAction(f.ctx, bot.Cause{}, 1, "a", 5); return err },
		func() error { _, err := f.svc.SetField(f.ctx, 1, "a", bot.FieldTitle, "\x00"); return err },
		func() error {
			_, err := f.svc.SetTime(f.ctx, 1, "a", bot.TimeStarted, f.clock.At(time.Hour))
			return err
		},
		func() error {
			_, err := f.svc.SetTime(f.ctx, 1, "a", bot.TimeAcknowledged, f.clock.At(-time.Hour))
			return err
		},
	}
	for i, fn := range bad {
		if err := fn(); err == nil {
			t.Errorf("bad change %d succeeded", i)
		}
	}
	after, _ := f.svc.Audit(f.ctx, bot.AuditFilter{})
	if len(after) != len(before) {
		t.Errorf("rejected changes wrote %d audit records", len(after)-len(before))
	}
	if k := f.kinds(t, 1); len(k) != 1 {
		t.Errorf("rejected changes wrote timeline entries: %v", k)
	}
	if jobs := f.jobs(t); len(jobs) != 0 {
		t.Errorf("rejected changes enqueued %v", jobs)
	}
	inc, _ := f.svc.Get(f.ctx, 1)
	if inc.Version != 1 || inc.Status != bot.StatusTriggered {
		t.Errorf("incident changed: %+v", inc)
	}
}

func TestErrorCodes(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	if _, err := f.svc.Get(f.ctx, 42); bot.ErrorCode(err) != bot.CodeNotFound || bot.ErrorMessage(err) != "INC-42 does not exist" {
		t.Errorf("Get(42) = %v", err)
	}
	if _, err := f.svc.Declare(f.ctx, bot.DeclareInput{Title: "\n\u200b"}); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Errorf("empty title = %v", err)
	}
	if _, err := f.svc.AssignRole(f.ctx, 1, "a", "commander", "carol"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetTime(f.ctx, 1, "mallory", bot.TimeStarted, f.clock.At(-time.Hour)); bot.ErrorCode(err) != bot.CodeForbidden {
		t.Errorf("time edit by non-commander = %v, want forbidden", err)
	}
}

func TestTimesEditedByCommanderAreAudited(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	f.svc.AssignRole(f.ctx, 1, "a", "commander", "carol")
	started := f.clock.At(-20 * time.Minute)
	inc, err := f.svc.SetTime(f.ctx, 1, "@Carol", bot.TimeStarted, started)
	if err != nil || !inc.StartedAt.Equal(started) || inc.TimeToDetect() != 20*time.Minute {
		t.Fatalf("SetTime = %+v, %v", inc, err)
	}
	mit := f.clock.At(-5 * time.Minute)
	if inc, err = f.svc.SetTime(f.ctx, 1, "carol", bot.TimeMitigated, mit); err != nil || !inc.MitigatedAt.Equal(mit) {
		t.Fatalf("mitigated = %+v, %v", inc, err)
	}
	if inc, err = f.svc.SetTime(f.ctx, 1, "carol", bot.TimeMitigated, time.Time{}); err != nil || inc.MitigatedAt != nil {
		t.Fatalf("clear mitigated = %+v, %v", inc, err)
	}
	audit, _ := f.svc.Audit(f.ctx, bot.AuditFilter{Incident: 1})
	last := audit[len(audit)-3]
	if last.Action != "time" || last.Before["started_at"] != "2026-11-22T12:00:00Z" || last.After["started_at"] != "2026-11-22T11:40:00Z" {
		t.Errorf("audit of the started edit = %+v", last)
	}
}

func TestActionItems(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	due := f.clock.At(48 * time.Hour)
	a1, err := f.svc.AddAction(f.ctx, 1, "alice", bot.ActionInput{Title: "Add disk alerts", Owner: "@bob", Due: &due})
	if err != nil || a1.Seq != 1 || a1.Kind != bot.ActionCorrective || a1.Owner != "bob" || a1.Status != bot.ActionOpen {
		t.Fatalf("add = %+v, %v", a1, err)
	}
	a2, _ := f.svc.AddAction(f.ctx, 1, "alice", bot.ActionInput{Title: "Game day", Kind: bot.ActionPreventive})
	if a2.Seq != 2 {
		t.Errorf("second seq = %d", a2.Seq)
	}
	f.svc.Resolve(f.ctx, bot.Cause{}, 1, "a", "")
	f.svc.Close(f.ctx, 1, "a")
	done, err := f.svc.CompleteAction(f.ctx, bot.Cause{}, 1, "bob", 1) // after close: actions outlive the incident
	if err != nil || done.Status != bot.ActionDone || done.DoneAt == nil {
		t.Fatalf("done = %+v, %v", done, err)
	}
	if _, err := f.svc.CompleteAction(f.ctx, bot.Cause{}, 1, "bob", 1); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("done twice = %v", err)
	}
	open, _ := f.svc.Actions(f.ctx, bot.ActionFilter{OpenOnly: true})
	if len(open) != 1 || open[0].Seq != 2 {
		t.Errorf("open actions = %+v", open)
	}
	if !a1.Overdue(f.clock.At(49*time.Hour)) || a1.Overdue(f.clock.At(47*time.Hour)) {
		t.Error("Overdue")
	}
}

func TestSanitisedTitleIsStored(t *testing.T) {
	f := newFixture(t)
	inc := f.declare(t, "<!channel>\x00 DB\u202e is\n\ndown \xff"+strings.Repeat("!", 500))
	if !strings.HasPrefix(inc.Title, "<!channel> DB is down \uFFFD!!!") || len([]rune(inc.Title)) != bot.MaxTitleLen {
		t.Errorf("title = %q", inc.Title)
	}
}

func TestConfiguredRolesAndValidation(t *testing.T) {
	f := newFixture(t)
	f.declare(t, "x")
	if _, err := f.svc.AssignRole(f.ctx, 1, "a", "Liaison", "dan"); err != nil {
		t.Errorf("configured role = %v", err)
	}
	if got := f.svc.Roles(); strings.Join(got, ",") != "commander,communications,scribe,liaison" {
		t.Errorf("Roles = %v", got)
	}
	if _, err := bot.NewService(bot.Config{Roles: []string{"two words"}}, f.store, nil); err == nil {
		t.Error("a role with a space must be refused")
	}
	if _, err := bot.NewService(bot.Config{SLAs: map[bot.Severity]bot.SLA{9: {}}}, f.store, nil); err == nil {
		t.Error("SLA for severity 9 must be refused")
	}
}

// A channel linked by a platform that shows the cards itself right after
// (LinkChannelShown) writes a card job for every other target only; a plain
// LinkChannel writes one for each.
func TestLinkChannelShownWritesNoCardBack(t *testing.T) {
	f := &fixture{clock: testkit.NewClock(testkit.Start), ctx: context.Background()}
	env := testkit.NewService(t, testkit.WithClock(f.clock), testkit.WithConfig(bot.Config{Targets: []string{"console", "slack"}}))
	f.svc, f.store = env.Svc, env.Store
	inc := f.declare(t, "Checkout latency above SLO")
	f.jobs(t)
	linked, err := f.svc.LinkChannelShown(f.ctx, inc.Number, "console", "inc-1-checkout")
	if err != nil || linked.Channels["console"] != "inc-1-checkout" {
		t.Fatalf("LinkChannelShown = %+v, %v", linked, err)
	}
	if jobs := strings.Join(f.jobs(t), ","); jobs != "slack.card" {
		t.Errorf("outbox after LinkChannelShown = %s, want slack.card", jobs)
	}
	if k := f.kinds(t, inc.Number); len(k) != 2 || k[1] != bot.EntryChannelLinked {
		t.Errorf("timeline = %v", k)
	}
	if _, err := f.svc.LinkChannel(f.ctx, inc.Number, "slack", "C01"); err != nil {
		t.Fatal(err)
	}
	if jobs := strings.Join(f.jobs(t), ","); jobs != "console.card,slack.card" {
		t.Errorf("outbox after LinkChannel = %s, want console.card,slack.card", jobs)
	}
}

// SaveMessages stores every message in one call, each as SaveMessage
// would: a known ref keeps its first ID and creation time.
func TestSaveMessages(t *testing.T) {
	f := newFixture(t)
	t0 := f.clock.Now()
	card := &bot.PostedMessage{Platform: "console", Channel: "inc-1", Ref: "card:INC-1", Body: []byte(`{"title":"a"}`), CreatedAt: t0, UpdatedAt: t0}
	if err := f.svc.SaveMessage(f.ctx, card); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	t1 := f.clock.Now()
	edit := &bot.PostedMessage{Platform: "console", Channel: "inc-1", Ref: "card:INC-1", Body: []byte(`{"title":"b"}`), CreatedAt: t1, UpdatedAt: t1}
	announce := &bot.PostedMessage{Platform: "console", Channel: "incidents", Ref: "announce:INC-1", Body: []byte(`{"title":"b"}`), CreatedAt: t1, UpdatedAt: t1}
	if err := f.svc.SaveMessages(f.ctx, edit, announce); err != nil {
		t.Fatal(err)
	}
	if edit.ID != card.ID || !edit.CreatedAt.Equal(t0) || announce.ID == 0 || announce.ID == card.ID {
		t.Errorf("ids %d, %d (first %d), created %v", edit.ID, announce.ID, card.ID, edit.CreatedAt)
	}
	for _, want := range []*bot.PostedMessage{edit, announce} {
		got, err := f.svc.MessageByRef(f.ctx, "console", want.Ref)
		if err != nil || got.Channel != want.Channel || string(got.Body) != string(want.Body) {
			t.Errorf("%s read back as %+v, %v", want.Ref, got, err)
		}
	}
}
