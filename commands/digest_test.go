package commands_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/digests"
	"github.com/warroom/warroom/internal/testkit"
)

// newDigestEnv is an env whose Router has the real digest command, wired
// as the server wires it with no digest schedules configured (the
// default), drawing charts with chart.
func newDigestEnv(t *testing.T, chart digest.ChartFunc) *env {
	t.Helper()
	ctx := t.Context()
	clk := testkit.NewClock(t0)
	kit := testkit.NewService(t, testkit.WithClock(clk), testkit.WithTargets("console"))
	svc, store := kit.Svc, kit.Store
	runner, err := digests.NewRunner(digests.RunnerConfig{Targets: []string{"console"}, Owner: "test", Now: clk.Now},
		store, digest.NewBuilder(store, nil, chart), nil)
	if err != nil {
		t.Fatalf("new digest runner: %v", err)
	}
	r, err := commands.New(svc, commands.Config{Now: clk.Now, Digester: digests.Command{Runner: runner}}, nil)
	if err != nil {
		t.Fatalf("new router: %v", err)
	}
	return &env{t: t, ctx: ctx, clock: clk, svc: svc, r: r}
}

// A digest asked for outside any channel, with no schedules to post it
// to, answers with the digest, or with the error that stopped it.
func TestDigestOutsideAChannelWithoutSchedules(t *testing.T) {
	t.Run("answers with the digest", func(t *testing.T) {
		e := newDigestEnv(t, func(*digest.Digest) ([]byte, error) { return []byte("png"), nil })
		e.declare("Checkout latency")
		e.clock.Advance(time.Minute)
		rep, err := e.run("/incident digest")
		if err != nil {
			t.Fatalf("/incident digest: %v", err)
		}
		for _, want := range []string{"# Incident digest: last 7d", "| SEV3 | 1 |"} {
			if !strings.Contains(rep.Text, want) {
				t.Errorf("reply lacks %q:\n%s", want, rep.Text)
			}
		}
	})
	t.Run("answers with the error", func(t *testing.T) {
		e := newDigestEnv(t, func(*digest.Digest) ([]byte, error) { return nil, errors.New("no font") })
		rep, err := e.run("/incident digest 30d")
		if err == nil || !strings.Contains(err.Error(), "build digest: draw digest chart: no font") {
			t.Fatalf("/incident digest = %q, %v; want the chart's error", rep.Text, err)
		}
	})
}
