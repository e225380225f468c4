package bot_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/warroom/warroom/bot"
)

func TestWithOnCall(t *testing.T) {
	inc := &bot.Incident{Service: "payments"}
	var gotDeadline bool
	find := func(ctx context.Context, platform, service string) ([]string, error) {
		_, gotDeadline = ctx.Deadline()
		if service != "payments" || platform != "slack" {
			return nil, nil
		}
		return []string{"U0ERIN", "U0CAROL"}, nil
	}
	got, err := bot.WithOnCall(context.Background(), find, "slack", inc, []string{"U0CAROL"})
	if err != nil || !slices.Equal(got, []string{"U0CAROL", "U0ERIN"}) || !gotDeadline {
		t.Errorf("WithOnCall = %v, %v (deadline %v); want each once, under a deadline", got, err, gotDeadline)
	}
	failing := func(context.Context, string, string) ([]string, error) { return nil, errors.New("429") }
	got, err = bot.WithOnCall(context.Background(), failing, "slack", inc, []string{"U0CAROL"})
	if err == nil || !slices.Equal(got, []string{"U0CAROL"}) {
		t.Errorf("failing lookup: %v, %v; want the mentions as they were and the error", got, err)
	}
	if got, err := bot.WithOnCall(context.Background(), nil, "slack", inc, nil); got != nil || err != nil {
		t.Errorf("no lookup: %v, %v", got, err)
	}
}
