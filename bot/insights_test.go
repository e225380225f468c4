package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/postmortem"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/sqlite"
)

type insightsEnv struct {
	svc   *bot.Service
	store *sqlite.Store
	clock *testkit.Clock
	ctx   context.Context
}

func newInsightsEnv(t *testing.T, ic bot.InsightsConfig) *insightsEnv {
	t.Helper()
	slas := bot.DefaultSLAs()
	slas[bot.SEV2] = bot.SLA{Acknowledge: 15 * time.Minute, Resolve: 8 * time.Hour, UpdateCadence: 30 * time.Minute, PostmortemDue: 48 * time.Hour}
	e := &insightsEnv{clock: testkit.NewClock(testkit.Start), ctx: context.Background()}
	env := testkit.NewService(t, testkit.WithClock(e.clock), testkit.WithConfig(bot.Config{
		Targets: []string{"console"}, SLAs: slas, Escalation: bot.EscalationConfig{Off: true}, Insights: ic,
	}))
	e.svc, e.store = env.Svc, env.Store
	return e
}

// fire fires due reminders at the clock's now and returns how many fired.
func (e *insightsEnv) fire(t *testing.T) int {
	t.Helper()
	n, err := e.svc.FireReminders(e.ctx, e.clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// posts drains the outbox and returns the posted messages.
func (e *insightsEnv) posts(t *testing.T) []bot.Message {
	t.Helper()
	var out []bot.Message
	for {
		jobs, err := e.store.Claim(e.ctx, "test", "", e.clock.Now().Add(time.Hour), time.Minute, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return out
		}
		out = append(out, e.drain(t, jobs)...)
	}
}

func (e *insightsEnv) drain(t *testing.T, jobs []bot.Job) []bot.Message {
	t.Helper()
	return e.drainEffect(t, jobs, bot.EffectPost)
}

// drainEffect completes jobs and returns the messages of those of effect.
func (e *insightsEnv) drainEffect(t *testing.T, jobs []bot.Job, effect bot.Effect) []bot.Message {
	t.Helper()
	var out []bot.Message
	for _, j := range jobs {
		if j.Kind.Effect() == effect {
			var p bot.PostPayload
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, p.Message)
		}
		if err := e.store.Complete(e.ctx, j.ID, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (e *insightsEnv) breaches(t *testing.T, n int64) []string {
	t.Helper()
	tl, err := e.svc.Timeline(e.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range tl {
		if en.Kind == bot.EntrySLABreached {
			out = append(out, en.Data["sla"])
		}
	}
	return out
}

func TestSLARemindersAndBreachesFireOnce(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Checkout slow", Severity: bot.SEV2, Actor: "alice", Commander: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	// The scheduler arms a new incident's timers at its next tick; twice is
	// the same as once.
	for range 2 {
		if err := e.svc.ArmTimers(e.ctx, inc.Number); err != nil {
			t.Fatal(err)
		}
	}
	e.posts(t)
	steps := []struct {
		at       time.Duration
		fired    int
		text     string // in one of the posts
		breaches string
	}{
		{11 * time.Minute, 0, "", ""},
		{13 * time.Minute, 1, "@alice: SEV2 target to acknowledge (15m) passes in 3m", ""},
		{14 * time.Minute, 0, "", ""},
		{16 * time.Minute, 1, "SLA breached: SEV2 target to acknowledge (15m) missed", "ack"},
		{31 * time.Minute, 2, "target to post a status update (30m) missed", "ack update"},
		{40 * time.Minute, 0, "", "ack update"},
	}
	start := e.clock.Now()
	for _, s := range steps {
		e.clock.Set(start.Add(s.at))
		// Two workers at once: each timer still fires once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.svc.FireReminders(e.ctx, e.clock.Now(), 0)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != s.fired {
			t.Errorf("+%v: fired %d, want %d", s.at, total, s.fired)
		}
		posts := e.posts(t)
		if s.text != "" && !containsText(posts, s.text) {
			t.Errorf("+%v: no post says %q in %+v", s.at, s.text, posts)
		}
		if got := strings.Join(e.breaches(t, inc.Number), " "); got != s.breaches {
			t.Errorf("+%v: breaches %q, want %q", s.at, got, s.breaches)
		}
	}
	// An update restarts the cadence: a new reminder and breach 30m later.
	if _, err := e.svc.PostUpdate(e.ctx, inc.Number, "alice", "Rolling back", bot.StatusInvestigating); err != nil {
		t.Fatal(err)
	}
	e.posts(t)
	e.clock.Advance(25 * time.Minute)
	if n := e.fire(t); n != 1 {
		t.Errorf("25m after the update: fired %d, want the update reminder", n)
	}
	if _, err := e.svc.Resolve(e.ctx, bot.Cause{}, inc.Number, "alice", "done"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	if n := e.fire(t); n != 0 {
		t.Errorf("after resolving: fired %d, want nothing", n)
	}
	// Postmortem due 48h after the resolution (the incident is not closed).
	e.clock.Advance(48 * time.Hour)
	if n := e.fire(t); n != 2 {
		t.Errorf("48h after resolving: fired %d, want the postmortem reminder and breach", n)
	}
	if got := strings.Join(e.breaches(t, inc.Number), " "); got != "ack update postmortem" {
		t.Errorf("breaches %q", got)
	}
}

func containsText(ms []bot.Message, s string) bool {
	for _, m := range ms {
		if strings.Contains(m.Text, s) {
			return true
		}
	}
	return false
}

func TestActionOwnersRemindedEvenAfterClose(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Disk", Severity: bot.SEV4, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	due := e.clock.Now().Add(72 * time.Hour)
	if _, err := e.svc.AddAction(e.ctx, inc.Number, "alice", bot.ActionInput{Title: "Add disk alerts", Owner: "bob", Due: &due}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddAction(e.ctx, inc.Number, "alice", bot.ActionInput{Title: "No due date"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Close(e.ctx, inc.Number, "alice"); err != nil {
		t.Fatal(err)
	}
	e.posts(t)
	e.clock.Advance(47 * time.Hour) // 25h before due
	if n := e.fire(t); n != 0 {
		t.Errorf("25h before due: fired %d", n)
	}
	e.clock.Advance(2 * time.Hour)
	if n := e.fire(t); n != 1 || !containsText(e.posts(t), "@bob: action item #1 of "+inc.Key()+" is due") {
		t.Errorf("the day before: fired %d, want one reminder to @bob", n)
	}
	e.clock.Advance(24 * time.Hour)
	if n := e.fire(t); n != 1 || !containsText(e.posts(t), "is overdue since") {
		t.Errorf("past due: fired %d, want one overdue reminder", n)
	}
	e.clock.Advance(7 * 24 * time.Hour)
	if n := e.fire(t); n != 1 {
		t.Errorf("a week overdue: fired %d, want one more reminder", n)
	}
	if _, err := e.svc.CompleteAction(e.ctx, bot.Cause{}, inc.Number, "bob", 1); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * 24 * time.Hour)
	if n := e.fire(t); n != 0 {
		t.Errorf("after done: fired %d, want nothing", n)
	}
}

func TestPostmortemDraftedOnResolve(t *testing.T) {
	d, err := postmortem.New(postmortem.Config{})
	if err != nil {
		t.Fatal(err)
	}
	fail := false
	e := newInsightsEnv(t, bot.InsightsConfig{Postmortem: func(ctx context.Context, inc *bot.Incident, tl []bot.Entry, a []bot.ActionItem, now time.Time) (string, error) {
		if fail {
			return "", errors.New("template exploded")
		}
		return d.Render(ctx, inc, tl, a, now)
	}})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Checkout {{.Key}} slow", Severity: bot.SEV2, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(20 * time.Minute)
	if _, err := e.svc.Resolve(e.ctx, bot.Cause{}, inc.Number, "alice", "rolled back"); err != nil {
		t.Fatal(err)
	}
	pm, err := e.store.Postmortem(e.ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	if pm.Version != 1 || !strings.Contains(pm.Body, "# Postmortem: INC-1 Checkout {{.Key}} slow") || !strings.Contains(pm.Body, "Resolved: rolled back") {
		t.Errorf("stored draft v%d:\n%s", pm.Version, pm.Body)
	}
	var posted *bot.Message
	for _, m := range e.posts(t) {
		if strings.HasPrefix(m.Title, "Postmortem draft") {
			posted = &m
		}
	}
	if posted == nil || len(posted.Attachments) != 1 || string(posted.Attachments[0].Data) != pm.Body {
		t.Fatalf("posted postmortem = %+v", posted)
	}
	// Reopen and resolve again: a new version. /incident postmortem: another.
	if _, err := e.svc.Reopen(e.ctx, inc.Number, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Resolve(e.ctx, bot.Cause{}, inc.Number, "alice", ""); err != nil {
		t.Fatal(err)
	}
	body, err := e.svc.RegeneratePostmortem(e.ctx, inc.Number, "bob")
	if err != nil || !strings.Contains(body, "Reopened") {
		t.Fatalf("regenerate: %v\n%s", err, body)
	}
	if pm, _ := e.store.Postmortem(e.ctx, inc.Number); pm.Version != 3 {
		t.Errorf("version after reopen, resolve and regenerate = %d, want 3", pm.Version)
	}
	// A failing template never blocks the resolution.
	fail = true
	inc2, _ := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Second", Severity: bot.SEV3, Actor: "alice"})
	if _, err := e.svc.Resolve(e.ctx, bot.Cause{}, inc2.Number, "alice", ""); err != nil {
		t.Fatalf("resolve with a failing template: %v", err)
	}
	tl, _ := e.svc.Timeline(e.ctx, inc2.Number)
	if last := tl[len(tl)-1]; last.Kind != bot.EntryPostmortem || !strings.Contains(last.Text, "could not be generated") {
		t.Errorf("last entry = %+v", last)
	}
}

func TestSeverityChangeMovesSLATimers(t *testing.T) {
	e := newInsightsEnv(t, bot.InsightsConfig{})
	inc, err := e.svc.Declare(e.ctx, bot.DeclareInput{Title: "Slow", Severity: bot.SEV3, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	// SEV3 has no update cadence; SEV2 asks for one every 30m and an ack in 15m.
	e.clock.Advance(5 * time.Minute)
	if _, err := e.svc.SetSeverity(e.ctx, inc.Number, "alice", bot.SEV2); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(11 * time.Minute) // 16m after the declaration
	if n := e.fire(t); n != 2 {
		t.Errorf("16m in at SEV2: fired %d, want the ack reminder and breach", n)
	}
	e.clock.Advance(15 * time.Minute) // 31m
	if n := e.fire(t); n != 2 {
		t.Errorf("31m in: fired %d, want the update reminder and breach", n)
	}
	if got := strings.Join(e.breaches(t, inc.Number), " "); got != "ack update" {
		t.Errorf("breaches %q", got)
	}
}
