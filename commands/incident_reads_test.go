package commands_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/testkit"
)

// readCounter counts the incident reads outside a change's transaction.
type readCounter struct {
	bot.Store
	reads atomic.Int64
}

func (s *readCounter) Incident(ctx context.Context, number int64) (*bot.Incident, error) {
	s.reads.Add(1)
	return s.Store.Incident(ctx, number)
}

// Ack and resolve by key leave the incident's read to their change's
// transaction; an error still answers as if the incident had been read
// first.
func TestAckAndResolveByKeyReadTheIncidentOnce(t *testing.T) {
	ctx := t.Context()
	store := &readCounter{Store: testkit.OpenStore(t, "", nil)}
	svc := testkit.ServiceOn(t, store, testkit.WithClock(testkit.NewClock(t0)))
	r, err := commands.New(svc, commands.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	as := func(user, text string) (commands.Reply, error) {
		return r.Dispatch(ctx, commands.Request{Text: text, User: user, Platform: "slack"})
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV3, Actor: "setup"})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := svc.Declare(ctx, bot.DeclareInput{Title: "Secret", Severity: bot.SEV3, Actor: "dave", Private: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"ack " + inc.Key(), "resolve " + inc.Key() + " rolled back", secret.Key() + " ack"} {
		store.reads.Store(0)
		if _, err := as("dave", text); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if n := store.reads.Load(); n != 0 {
			t.Errorf("%s read the incident %d times before its change", text, n)
		}
	}
	if got, _ := svc.Get(ctx, inc.Number); got.Status != bot.StatusResolved {
		t.Errorf("%s is %s", inc.Key(), got.Status)
	}
	for _, c := range []struct {
		user, text string
		code       bot.Code
		msg        string
	}{
		{"dave", "ack INC-99 now", bot.CodeNotFound, "INC-99 does not exist"},
		{"dave", "resolve INC-99 --field nope=1", bot.CodeNotFound, "INC-99 does not exist"},
		{"bob", "resolve " + secret.Key() + " --field nope=1", bot.CodeNotFound, secret.Key() + " does not exist"},
		{"bob", "ack " + secret.Key(), bot.CodeNotFound, secret.Key() + " does not exist"},
		{"dave", "ack " + inc.Key() + " now", bot.CodeInvalid, `ack takes no arguments, got "now"`},
		{"dave", "ack " + inc.Key(), bot.CodeConflict, ""},
	} {
		_, err := as(c.user, c.text)
		var be *bot.Error
		if bot.ErrorCode(err) != c.code || !errors.As(err, &be) || !strings.HasPrefix(be.Msg, c.msg) {
			t.Errorf("%s as %s: %v, want %s %q", c.text, c.user, err, c.code, c.msg)
		}
	}
}
