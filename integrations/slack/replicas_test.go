package slack_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
	"github.com/warroom/warroom/storage/postgres"
)

// postgresDSN returns WARROOM_TEST_POSTGRES pointed at a schema of the
// test's own (dropped when it ends), or skips when the variable is empty.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WARROOM_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("WARROOM_TEST_POSTGRES is empty: set it to a PostgreSQL URL to run the replica tests")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "warroom_slack_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestStormAcrossReplicas: three replicas (three Services, Slack apps and
// outbox workers, each with its own connections) share one PostgreSQL
// database and one Slack that enforces its posting limit. 12 incidents
// declared and 36 updates posted across them, at once: every channel,
// card and announcement exists once, no job is dead, and Slack never
// answers 429, because the replicas share one pace per channel (their
// three workers together write no faster than one would). Time is scaled
// down: one write per channel every 60 ms, Slack allowing one per 36 ms
// with bursts of 3 (replicas pacing on their own write up to one every
// 20 ms, and are answered 429).
func TestStormAcrossReplicas(t *testing.T) {
	dsn := postgresDSN(t)
	if testing.Short() {
		t.Skip("takes seconds of real time")
	}
	const every = 60 * time.Millisecond
	fake := slacktest.New()
	t.Cleanup(fake.Close)
	fake.AddChannel(announceID, "incidents")
	fake.AddUserGroup("S0ONCALL", "U0GROUP1", "U0GROUP2")
	fake.EnforceLimits(slacktest.Limits{ChannelEvery: 36 * time.Millisecond, ChannelBurst: 3})
	var replicas []*stack
	for i := range 3 {
		store, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		s := newStack(t, options{interval: every, store: store, fake: fake, owner: fmt.Sprintf("replica-%d", i)})
		runWorker(t, s)
		replicas = append(replicas, s)
	}
	var wg sync.WaitGroup
	for i, s := range replicas {
		wg.Go(func() {
			for n := range 4 {
				s.command("U0ALICE", "C0GENERAL", fmt.Sprintf("/incident declare Storm %d-%d", i, n))
			}
		})
	}
	wg.Wait()
	r0 := replicas[0]
	ctx := context.Background()
	channel := func(n int64) string {
		inc, err := r0.svc.Get(ctx, n)
		if err != nil {
			return ""
		}
		return inc.Channels["slack"]
	}
	waitFor(t, "12 incident channels", func() bool {
		for n := int64(1); n <= 12; n++ {
			if channel(n) == "" {
				return false
			}
		}
		return true
	})
	for i, s := range replicas {
		wg.Go(func() {
			for n := int64(1); n <= 12; n++ {
				s.command("U0BOB", channel(n), fmt.Sprintf("/incident update from replica %d", i))
			}
		})
	}
	wg.Wait()
	waitFor(t, "36 announced updates", func() bool { return announcedUpdates(r0) >= 36 })
	waitIdle(t, r0)

	if n := fake.Limited(); n != 0 {
		t.Errorf("Slack answered 429 %d times", n)
	}
	incidentChannels := 0
	for _, c := range fake.Channels() {
		if strings.HasPrefix(c.Name, "inc-") {
			incidentChannels++
		}
	}
	if incidentChannels != 12 {
		t.Errorf("%d incident channels, want 12", incidentChannels)
	}
	for n := int64(1); n <= 12; n++ {
		pinned := 0
		for _, m := range fake.Messages(channel(n)) {
			if m.Pinned {
				pinned++
			}
		}
		if pinned != 1 {
			t.Errorf("%s has %d pinned cards, want 1", bot.FormatKey(n), pinned)
		}
	}
	seen := map[string]int{}
	for _, m := range fake.Messages(announceID) {
		seen[m.ThreadTS+"|"+string(m.Blocks)]++
	}
	for k, c := range seen {
		if c > 1 {
			t.Errorf("announced %d times: %.120s", c, k)
		}
	}
	if n := announcedUpdates(r0); n != 36 {
		t.Errorf("%d updates announced, want 36", n)
	}
	stats, err := r0.store.OutboxStats(ctx, time.Now())
	if err != nil || stats.Dead != 0 {
		t.Errorf("outbox = %+v (%v), want no dead job", stats, err)
	}
}
