package pagerduty_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/engine/schedule"
)

// tick runs the scheduler's escalation task once at the clock's time.
func (e *env) tick() {
	e.t.Helper()
	s := schedule.New(schedule.Config{Now: e.clock.Now}, nil)
	s.Add("escalation", schedule.Escalation(e.svc))
	if err := s.Tick(context.Background(), e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	e.drain()
}

func (e *env) levels(n int64) []string {
	var out []string
	for _, en := range e.entries(n, bot.EntryEscalated) {
		out = append(out, en.Data["level"])
	}
	return out
}

func TestEscalationOncePerLevelAcrossRestart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Nobody answers")
	if _, err := e.svc.AssignRole(ctx, inc.Number, "alice", bot.RoleCommander, "carol"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	target := e.svc.SLA(bot.SEV1).Acknowledge // 5m

	e.clock.Advance(target - time.Second)
	e.tick()
	if got := e.levels(inc.Number); len(got) != 0 {
		t.Fatalf("escalated before the target: %v", got)
	}
	e.clock.Advance(time.Second)
	e.tick()
	e.tick()
	if diff := cmp.Diff([]string{"1"}, e.levels(inc.Number)); diff != "" {
		t.Fatalf("levels at 1× (-want +got):\n%s", diff)
	}
	posts := strings.Join(e.postsText(), "\n")
	for _, who := range []string{"@sre-oncall", "@carol", "escalation level 1"} {
		if !strings.Contains(posts, who) {
			t.Errorf("channel posts lack %q:\n%s", who, posts)
		}
	}

	// Restart: a new Service, worker and integration over the same file.
	e.open()
	e.clock.Advance(target - time.Second)
	e.tick()
	if diff := cmp.Diff([]string{"1"}, e.levels(inc.Number)); diff != "" {
		t.Fatalf("levels just before 2× (-want +got):\n%s", diff)
	}
	e.clock.Advance(time.Second)
	e.tick()
	e.open()
	e.tick()
	if diff := cmp.Diff([]string{"1", "2"}, e.levels(inc.Number)); diff != "" {
		t.Fatalf("levels at 2× (-want +got):\n%s", diff)
	}

	if _, err := e.svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(10 * target)
	e.tick()
	if diff := cmp.Diff([]string{"1", "2"}, e.levels(inc.Number)); diff != "" {
		t.Errorf("levels after the ack (-want +got):\n%s", diff)
	}
	all, err := e.store.Timers(ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	var timers []bot.Timer
	for _, tm := range all {
		if tm.Kind == bot.TimerEscalate {
			timers = append(timers, tm)
		}
	}
	if len(timers) != 3 || timers[2].CanceledAt == nil || timers[2].FiredAt != nil {
		t.Errorf("timers %+v, want level 3 canceled", timers)
	}

	// Re-paged through PagerDuty at each level, each level its own alert
	// (PagerDuty folds a trigger with an open alert's key into it, and
	// notifies nobody); the acknowledgement reaches every one.
	want := []string{"trigger INC-1", "trigger INC-1:level1", "trigger INC-1:level2",
		"acknowledge INC-1", "acknowledge INC-1:level1", "acknowledge INC-1:level2"}
	if diff := cmp.Diff(want, e.fake.eventActions()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	var pages []string
	for _, en := range e.entries(inc.Number, bot.EntryPageSent) {
		pages = append(pages, en.Text)
	}
	if len(pages) != 3 || !strings.Contains(pages[2], "escalation level 2") {
		t.Errorf("page_sent entries %q", pages)
	}
}

// A linked PagerDuty incident escalates through REST to the next level.
func TestEscalationRaisesLinkedIncident(t *testing.T) {
	e := newEnv(t)
	inc := e.declare(bot.SEV2, "Queue backs up")
	e.drain()
	if w := e.deliver(pdEvent("incident.triggered", "PLINK01", inc.Key(), ""), "W-1"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	e.clock.Advance(e.svc.SLA(bot.SEV2).Acknowledge)
	e.tick()
	if len(e.fake.updates) != 1 || !strings.Contains(fmtAny(e.fake.updates[0]), `"escalation_level":2`) {
		t.Errorf("REST updates %v, want escalation_level 2", e.fake.updates)
	}
}

// Escalation is off for a severity without an acknowledge target and for
// incidents acknowledged in time.
func TestNoEscalationWhenAcknowledgedInTime(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	inc := e.declare(bot.SEV1, "Handled")
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	e.tick()
	if got := e.levels(inc.Number); len(got) != 0 {
		t.Errorf("escalated an acknowledged incident: %v", got)
	}
}

func fmtAny(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
