package main

import (
	"context"
	"github.com/warroom/warroom/internal/testkit"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// deadLetters writes n jobs to the database at path and buries them.
func deadLetters(t *testing.T, path string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	st := testkit.OpenStore(t, path, nil)
	defer st.Close() // before the command line opens the file
	now := time.Now()
	var ids []int64
	for i := range n {
		j, err := bot.NewJob("slack", bot.EffectAnnounce, 0, bot.PostPayload{Message: bot.Message{Text: strconv.Itoa(i)}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx bot.Tx) error { return tx.Enqueue(ctx, j) }); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Claim(ctx, "w", "slack", now, time.Minute, 1); err != nil {
			t.Fatal(err)
		}
		if err := st.Bury(ctx, j.ID, "w", "channel_not_found\nsecond line"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	return ids
}

func TestOutboxCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	lookup := env("WARROOM_DB", db)
	ids := deadLetters(t, db, 3)
	id := strconv.FormatInt(ids[0], 10)

	code, stdout, stderr := runCLI(t, lookup, "outbox", "list", "--dead")
	if code != 0 || strings.Count(stdout, "slack.announce") != 3 || !strings.Contains(stdout, "channel_not_found second line") {
		t.Fatalf("list --dead = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if code, stdout, stderr = runCLI(t, lookup, "outbox", "retry", id); code != 0 || !strings.Contains(stdout, "job "+id+" queued again") {
		t.Fatalf("retry = %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if code, stdout, _ = runCLI(t, lookup, "outbox", "list"); code != 0 || !strings.Contains(stdout, id+"  ") || !strings.Contains(stdout, "pending") {
		t.Fatalf("list after retry = %d\n%s", code, stdout)
	}
	if code, _, stderr = runCLI(t, lookup, "outbox", "retry", id); code != exitNotFound || !strings.Contains(stderr, "no dead letter "+id) {
		t.Errorf("retry of a live job = %d, %s", code, stderr)
	}
	if code, stdout, _ = runCLI(t, lookup, "outbox", "drop", strconv.FormatInt(ids[1], 10)); code != 0 || !strings.Contains(stdout, "dropped") {
		t.Errorf("drop = %d, %s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, lookup, "outbox", "retry", "--all-dead"); code != 0 || !strings.Contains(stdout, "1 dead letters queued again") {
		t.Errorf("retry --all-dead = %d, %s", code, stdout)
	}
	if code, stdout, _ = runCLI(t, lookup, "outbox", "list", "--dead"); code != 0 || strings.Contains(stdout, "slack.announce") {
		t.Errorf("dead letters left: %s", stdout)
	}
	for _, args := range [][]string{{"outbox"}, {"outbox", "retry"}, {"outbox", "drop", "--all-dead"}, {"outbox", "retry", "x"}, {"outbox", "purge"}} {
		if code, _, _ := runCLI(t, lookup, args...); code != exitUsage {
			t.Errorf("%v = %d, want a usage error", args, code)
		}
	}
}
