package bot_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestNewJobKeys pins the kinds and keys of every job: they are stored with
// the jobs, so a release that changed one would strand the rows before it.
func TestNewJobKeys(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		target   string
		effect   bot.Effect
		incident int64
		payload  any
		kind     bot.JobKind
		order    string
		coalesce string
	}{
		{"slack", bot.EffectOpen, 42, nil, "slack.open", "slack:INC-42", ""},
		{"slack", bot.EffectCard, 42, nil, "slack.card", "slack:INC-42", "slack.card:INC-42"},
		{"console", bot.EffectPost, 42, bot.PostPayload{Message: bot.Message{Text: "hi"}}, "console.post", "console:INC-42", ""},
		{"console", bot.EffectAnnounce, 0, bot.PostPayload{Announce: true}, "console.announce", "console:announce", ""},
		{"slack", bot.EffectDigest, 0, bot.DigestPayload{Channel: "sre"}, "slack.digest", "slack:digest:sre", ""},
		{"pagerduty", bot.EffectTrigger, 7, bot.PagePayload{DedupKey: "INC-7"}, "pagerduty.trigger", "pagerduty:INC-7", ""},
		{"pagerduty", bot.EffectAcknowledge, 7, bot.PagePayload{}, "pagerduty.acknowledge", "pagerduty:INC-7", ""},
		{"pagerduty", bot.EffectResolve, 7, bot.PagePayload{}, "pagerduty.resolve", "pagerduty:INC-7", ""},
		{"pagerduty", bot.EffectEscalate, 7, bot.PagePayload{Level: 2}, "pagerduty.escalate", "pagerduty:INC-7", ""},
		{"jira", bot.EffectTicketSync, 3, nil, "jira.sync", "jira:INC-3", "jira.sync:INC-3"},
		{"servicenow", bot.EffectTicketComment, 3, bot.TicketComment{Ref: "e1"}, "servicenow.comment", "servicenow:INC-3", ""},
		{"jira", bot.EffectTicketAction, 3, bot.TicketAction{Seq: 2}, "jira.action", "jira:INC-3", "jira.action:INC-3#2"},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			j, err := bot.NewJob(tc.target, tc.effect, tc.incident, tc.payload, now)
			if err != nil {
				t.Fatal(err)
			}
			if j.Kind != tc.kind || j.OrderKey != tc.order || j.CoalesceKey != tc.coalesce {
				t.Errorf("kind, order, coalesce = %q, %q, %q; want %q, %q, %q", j.Kind, j.OrderKey, j.CoalesceKey, tc.kind, tc.order, tc.coalesce)
			}
			if j.Kind.Target() != tc.target || j.Kind.Effect() != tc.effect {
				t.Errorf("%q splits into %q and %q", j.Kind, j.Kind.Target(), j.Kind.Effect())
			}
			if j.Incident != tc.incident || j.Status != bot.JobPending || !j.NextAt.Equal(now) || !j.CreatedAt.Equal(now) {
				t.Errorf("job = %+v", j)
			}
			if tc.payload == nil {
				if j.Payload != nil {
					t.Errorf("payload = %s, want none", j.Payload)
				}
				return
			}
			want, _ := json.Marshal(tc.payload)
			if string(j.Payload) != string(want) {
				t.Errorf("payload = %s, want %s", j.Payload, want)
			}
		})
	}
}

func TestNewJobRefusesMissingParts(t *testing.T) {
	now := time.Now()
	for name, build := range map[string]func() (*bot.Job, error){
		"card without incident":     func() (*bot.Job, error) { return bot.NewJob("slack", bot.EffectCard, 0, nil, now) },
		"digest without payload":    func() (*bot.Job, error) { return bot.NewJob("slack", bot.EffectDigest, 0, nil, now) },
		"action with wrong payload": func() (*bot.Job, error) { return bot.NewJob("jira", bot.EffectTicketAction, 1, bot.PagePayload{}, now) },
	} {
		if j, err := build(); err == nil {
			t.Errorf("%s: NewJob = %+v, want an error", name, j)
		}
	}
}
