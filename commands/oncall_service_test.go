package commands_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/testkit"
)

type schedules string

func (s schedules) OnCall(context.Context, string) (string, error) { return string(s), nil }

// TestOnCallNamesTheServiceOnCall: /oncall about an incident names who is
// on call now for its service before the schedules; a failed lookup leaves
// the schedules alone.
func TestOnCallNamesTheServiceOnCall(t *testing.T) {
	ctx := t.Context()
	svc := testkit.NewService(t, testkit.WithTargets("console")).Svc
	fail := false
	r, err := commands.New(svc, commands.Config{OnCall: schedules("On call (PagerDuty): …"),
		ServiceOnCall: func(_ context.Context, platform, service string) ([]string, error) {
			if fail {
				return nil, errors.New("PagerDuty rate limit (429)")
			}
			if platform != "slack" || service != "payments" {
				return nil, nil
			}
			return []string{"U0ERIN"}, nil
		}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Service: "payments", Actor: "U0ALICE"})
	if err != nil {
		t.Fatal(err)
	}
	ask := func() string {
		rep, err := r.Dispatch(ctx, commands.Request{Text: "oncall " + inc.Key(), User: "U0ALICE", Platform: "slack"})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Text
	}
	if got := ask(); !strings.HasPrefix(got, "On call now for payments (INC-1): U0ERIN\nOn call (PagerDuty)") {
		t.Errorf("/oncall INC-1 = %q", got)
	}
	fail = true
	if got := ask(); got != "On call (PagerDuty): …" {
		t.Errorf("/oncall INC-1 with PagerDuty failing = %q", got)
	}
}
