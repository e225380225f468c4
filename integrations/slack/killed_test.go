package slack_test

import (
	"context"
	"fmt"
	"github.com/warroom/warroom/internal/testkit"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for a scratch schema

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/storage/postgres"
)

// TestKilledMidCallDeliversOnce simulates kill -9 while a call is in
// flight: Slack does the work but its answer is lost, and the worker's
// failpoint drops the job's outcome, as a killed process records nothing.
// A fresh Service and worker on the same database take the job over once
// its lease has ended: there is still one channel, one card and one
// announcement. It runs on SQLite, and on PostgreSQL when
// WARROOM_TEST_POSTGRES holds a DSN.
func TestKilledMidCallDeliversOnce(t *testing.T) {
	stores := map[string]func(t *testing.T) func() bot.Store{
		"sqlite": func(t *testing.T) func() bot.Store {
			path := filepath.Join(t.TempDir(), "warroom.db")
			return func() bot.Store {
				return testkit.OpenStore(t, path, nil)
			}
		},
		"postgres": func(t *testing.T) func() bot.Store {
			dsn := testkit.PostgresSchema(t)
			return func() bot.Store {
				st, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
		},
	}
	calls := []struct{ name, method, channel string }{
		{"conversations.create", "conversations.create", ""},
		{"card", "chat.postMessage", ""},
		{"announcement", "chat.postMessage", announceID},
	}
	for _, db := range []string{"sqlite", "postgres"} {
		for _, c := range calls {
			t.Run(db+"/"+c.name, func(t *testing.T) {
				open := stores[db](t)
				fake := slacktest.New()
				t.Cleanup(fake.Close)
				fake.AddChannel(announceID, "incidents")
				fake.Join(announceID)
				fake.Inject(c.method, c.channel, slacktest.WorkThenReset, 1)

				killed := 0
				first := startOn(t, open(), fake, time.Now, func(bot.Job, error) bool { killed++; return true })
				if _, err := first.svc.Declare(context.Background(), bot.DeclareInput{Title: "Disk full", Actor: "U0ALICE", Severity: bot.SEV2}); err != nil {
					t.Fatal(err)
				}
				first.drain()
				if killed == 0 {
					t.Fatal("the failpoint never fired")
				}
				first.store.Close() // the process is gone

				// A new process, after the dead one's leases have ended.
				later := func() time.Time { return time.Now().Add(outbox.DefaultLease + time.Second) }
				next := startOn(t, open(), fake, later, nil)
				next.settle()
				checkOnce(t, next, "Disk full")
			})
		}
	}
}

// startOn starts warroom with Slack over store, its worker's clock at now
// and with the given failpoint.
func startOn(t *testing.T, store bot.Store, fake *slacktest.Server, now func() time.Time, failpoint func(bot.Job, error) bool) *stack {
	t.Helper()
	t.Cleanup(func() { store.Close() })
	log := slog.New(slog.DiscardHandler)
	svc, err := bot.NewService(bot.Config{Targets: []string{slack.Platform}}, store, log)
	if err != nil {
		t.Fatal(err)
	}
	router, err := commands.New(svc, commands.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	w := outbox.New(outbox.Config{Owner: fmt.Sprintf("w%d", rand.Uint32()), Now: now, BaseDelay: 10 * time.Millisecond, Failpoint: failpoint}, store, log)
	app, err := slack.New(slack.Config{
		BotToken: slacktest.Token, SigningSecret: secret, APIURL: fake.APIURL(), Announce: "#incidents",
		ChannelInterval: -1, HTTPClient: &http.Client{Timeout: 5 * time.Second},
	}, svc, router, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for kind, h := range app.Handlers() {
		w.Handle(kind, h)
	}
	return &stack{t: t, store: store, svc: svc, app: app, worker: w, fake: fake, logs: &testkit.Buffer{}, now: now}
}
