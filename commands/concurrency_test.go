package commands_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// TestConcurrentDispatch: one Router serves many people at once.
func TestConcurrentDispatch(t *testing.T) {
	e := newEnv(t, commands.Config{})
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			user := fmt.Sprintf("user%d", i)
			rep, err := e.r.Dispatch(e.ctx, commands.Request{Text: "declare sev2 Outage " + user, User: user, Platform: "api"})
			if err != nil {
				errs <- err
				return
			}
			key := rep.Incident.Key()
			for _, text := range []string{"ack " + key, "note " + key + " looking", "resolve " + key + " fixed"} {
				if _, err := e.r.Dispatch(e.ctx, commands.Request{Text: text, User: user, Platform: "api"}); err != nil {
					errs <- fmt.Errorf("%s: %w", text, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	incs, err := e.svc.List(e.ctx, bot.IncidentFilter{Statuses: []bot.Status{bot.StatusResolved}})
	if err != nil || len(incs) != n {
		t.Fatalf("%d resolved incidents (%v), want %d", len(incs), err, n)
	}
}

func BenchmarkTokenize(b *testing.B) {
	text := `/incident action add INC-42 "Add disk alerts" for the payments hosts @bob due:2026-12-01 --kind=preventive`
	for b.Loop() {
		if _, err := commands.Tokenize(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenizeWorst feeds the longest accepted inputs of the shapes
// that make the lexer work hardest.
func BenchmarkTokenizeWorst(b *testing.B) {
	inputs := map[string]string{
		"quotes":   strings.Repeat(`"" `, commands.MaxInput/3),
		"escapes":  `"` + strings.Repeat(`\"`, commands.MaxInput/2-1) + `"`,
		"mentions": strings.Repeat("@a ", commands.MaxInput/3),
		"open":     `"` + strings.Repeat("x", commands.MaxInput-1),
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, _ = commands.Tokenize(in)
			}
		})
	}
}
