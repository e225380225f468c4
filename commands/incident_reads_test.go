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

func (s *readCounter) IncidentByChannel(ctx context.Context, platform, channel string) (*bot.Incident, error) {
	s.reads.Add(1)
	return s.Store.IncidentByChannel(ctx, platform, channel)
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

// The commands a room uses most leave the incident's read to their
// change's transaction, by key and in the incident's channel, and answer
// as they did when the router read it first: the old value a reply names,
// the permission a raised severity needs, a missing, hidden or channelless
// incident's complaint before any other.
func TestIncidentCommandsReadTheIncidentInTheirChange(t *testing.T) {
	ctx := t.Context()
	store := &readCounter{Store: testkit.OpenStore(t, "", nil)}
	svc := testkit.ServiceOn(t, store, testkit.WithClock(testkit.NewClock(t0)))
	perms := commands.Permissions{Declare: map[bot.Severity][]string{bot.SEV1: {"carol"}}, Close: []string{"dave", "carol"}}
	r, err := commands.New(svc, commands.Config{Permissions: perms}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV3, Actor: "setup"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LinkChannel(ctx, inc.Number, "slack", "C-INC"); err != nil {
		t.Fatal(err)
	}
	secret, err := svc.Declare(ctx, bot.DeclareInput{Title: "Secret", Severity: bot.SEV3, Actor: "dave", Private: true})
	if err != nil {
		t.Fatal(err)
	}
	as := func(user, channel, text string) (commands.Reply, error) {
		return r.Dispatch(ctx, commands.Request{Text: text, User: user, Platform: "slack", Channel: channel})
	}
	key := inc.Key()
	for _, c := range []struct{ channel, text, reply string }{
		{"", "note " + key + " replica lag 30s", "Note added to the timeline of " + key + "."},
		{"C-INC", "note failover started", "Note added to the timeline of " + key + "."},
		{"C-INC", "ack", key + " acknowledged by dave."},
		{"", "status " + key + " identified", key + " is now identified (was acknowledged) by dave."},
		{"C-INC", "status monitoring", key + " is now monitoring (was identified) by dave."},
		{"C-INC", "sev 2", key + " is now SEV2 (was SEV3) by dave."},
		{"", "sev " + key + " 4", key + " is now SEV4 (was SEV2) by dave."},
		{"C-INC", "update Failover done", "Update posted on " + key + " (monitoring)."},
		{"", "role " + key + " commander @bob", "bob is now commander of " + key + "."},
		{"C-INC", "resolve rolled back", key + " resolved by dave after 0s."},
		{"C-INC", "reopen", key + " reopened by dave; it is investigating again."},
		{"", "reopen " + key, ""},
		{"", "close " + key, key + " closed by dave."},
		{"", secret.Key() + " note seen by its commander", "Note added to the timeline of " + secret.Key() + "."},
	} {
		store.reads.Store(0)
		rep, err := as("dave", c.channel, c.text)
		if c.reply == "" { // fails in its change, after its read
			if bot.ErrorCode(err) != bot.CodeConflict || store.reads.Load() != 1 {
				t.Errorf("%s: %v after %d reads, want a conflict after 1", c.text, err, store.reads.Load())
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.text, err)
		}
		if rep.Text != c.reply || rep.Incident == nil {
			t.Errorf("%s: %q (incident %v), want %q", c.text, rep.Text, rep.Incident, c.reply)
		}
		if n := store.reads.Load(); n != 0 {
			t.Errorf("%s read the incident %d times before its change", c.text, n)
		}
	}
	open, err := svc.Declare(ctx, bot.DeclareInput{Title: "Search slow", Severity: bot.SEV3, Actor: "setup"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LinkChannel(ctx, open.Number, "slack", "C-OPEN"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, channel, text string
		code                bot.Code
		msg                 string
	}{
		{"dave", "", "note INC-99 hello", bot.CodeNotFound, "INC-99 does not exist"},
		{"dave", "", "status INC-99 nonsense", bot.CodeNotFound, "INC-99 does not exist"},
		{"dave", "", "sev INC-99", bot.CodeNotFound, "INC-99 does not exist"},
		{"bob", "", "note " + secret.Key() + " hello", bot.CodeNotFound, secret.Key() + " does not exist"},
		{"bob", "", "close " + secret.Key(), bot.CodeForbidden, "you may not close incidents here"},
		{"carol", "", "close " + secret.Key(), bot.CodeNotFound, secret.Key() + " does not exist"},
		{"bob", "", "sev " + secret.Key() + " 1", bot.CodeNotFound, secret.Key() + " does not exist"},
		{"bob", "", "status " + secret.Key() + " identified", bot.CodeNotFound, secret.Key() + " does not exist"},
		{"dave", "C-NONE", "note hello", bot.CodeInvalid, "which incident? write `/incident note INC-42 ...`, or run it in the incident's channel\nusage: /incident note TEXT"},
		{"dave", "C-NONE", "close", bot.CodeInvalid, "which incident? write `/incident close INC-42`, or run it in the incident's channel"},
		{"dave", "C-NONE", "sev 9", bot.CodeInvalid, "which incident?"},
		{"dave", "C-OPEN", "sev 1", bot.CodeForbidden, "you may not declare SEV1 incidents here: ask one of carol"},
		{"dave", "", "sev " + open.Key() + " 3", bot.CodeConflict, open.Key() + " is already SEV3"},
		{"dave", "C-OPEN", "status bogus", bot.CodeInvalid, ""},
		{"bob", "C-OPEN", "status closed", bot.CodeForbidden, "you may not close incidents here"},
		{"bob", "C-OPEN", "close", bot.CodeForbidden, "you may not close incidents here"},
		{"dave", "C-OPEN", "reopen", bot.CodeConflict, open.Key() + " is triggered; only a resolved incident can be reopened"},
		{"dave", "C-OPEN", "ack now", bot.CodeInvalid, `ack takes no arguments, got "now"`},
	} {
		_, err := as(c.user, c.channel, c.text)
		var be *bot.Error
		if bot.ErrorCode(err) != c.code || !errors.As(err, &be) || !strings.HasPrefix(be.Msg, c.msg) {
			t.Errorf("%s as %s in %q: %v, want %s %q", c.text, c.user, c.channel, err, c.code, c.msg)
		}
	}
	if got, _ := svc.Get(ctx, open.Number); got.Severity != bot.SEV3 || got.Status != bot.StatusTriggered {
		t.Errorf("%s is %s %s after refused changes", open.Key(), got.Severity, got.Status)
	}
	// Raising is carol's: as for declaring, checked on the incident read.
	if rep, err := as("carol", "C-OPEN", "sev 1"); err != nil || rep.Text != open.Key()+" is now SEV1 (was SEV3) by carol." {
		t.Errorf("sev 1 as carol: %q, %v", rep.Text, err)
	}
}
