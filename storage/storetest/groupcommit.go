package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// Grouping is what a store that shares one transaction among concurrent
// InTx calls shows of it, for the group-commit tests.
type Grouping interface {
	bot.Store
	// Queued counts InTx calls waiting for a transaction.
	Queued() int
	// GroupStats counts group transactions and the calls they held.
	GroupStats() (transactions, calls int64)
}

// RunGroupCommit tries to break group commit: neighbours in one
// transaction that fail, panic or succeed; concurrent changes to one
// incident. open returns an empty, migrated store.
func RunGroupCommit(t *testing.T, open func(t *testing.T) Grouping) {
	t.Run("FailingNeighbours", func(t *testing.T) { testGroupNeighbours(t, open(t)) })
	t.Run("OneIncidentSerialised", func(t *testing.T) { testGroupOneIncident(t, open(t)) })
}

// testGroupNeighbours holds one transaction open until five more calls
// are queued behind it, so that they share the next one: two succeed, one
// fails after writing, one panics after writing, one is a command on a
// missing incident. Only the failures' writes are gone.
func testGroupNeighbours(t *testing.T, s Grouping) {
	ctx := context.Background()
	svc := newService(t, s, nil)
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "neighbours"})
	if err != nil {
		t.Fatal(err)
	}
	audit := func(tx bot.Tx, action string) error {
		return tx.AddAudit(ctx, &bot.AuditRecord{At: svc.Now(), Actor: "test", Action: action, Incident: inc.Number})
	}
	release := make(chan struct{})
	holding := make(chan struct{})
	results := make(chan string, 6)
	go func() {
		results <- fmt.Sprint("holder ", s.InTx(ctx, func(tx bot.Tx) error {
			close(holding)
			<-release
			return audit(tx, "holder")
		}))
	}()
	<-holding
	errBoom := errors.New("boom")
	calls := []func() string{
		func() string {
			return fmt.Sprint("ok1 ", s.InTx(ctx, func(tx bot.Tx) error { return audit(tx, "ok1") }))
		},
		func() string {
			err := s.InTx(ctx, func(tx bot.Tx) error {
				if err := audit(tx, "failed"); err != nil {
					return err
				}
				return errBoom
			})
			return fmt.Sprint("failed ", errors.Is(err, errBoom))
		},
		func() (out string) {
			defer func() { out = fmt.Sprint("panicked ", recover()) }()
			_ = s.InTx(ctx, func(tx bot.Tx) error {
				_ = audit(tx, "panicked")
				panic("kaboom")
			})
			return "panicked no"
		},
		func() string {
			_, err := svc.Ack(ctx, bot.Cause{}, inc.Number+1000, "bob")
			return fmt.Sprint("missing ", bot.ErrorCode(err) == bot.CodeNotFound)
		},
		func() string {
			return fmt.Sprint("ok2 ", s.InTx(ctx, func(tx bot.Tx) error { return audit(tx, "ok2") }))
		},
	}
	before, _ := s.GroupStats()
	for _, call := range calls {
		go func() { results <- call() }()
	}
	testkit.Eventually(t, "the calls to queue behind the held transaction", func() bool { return s.Queued() == len(calls) })
	close(release)
	got := map[string]bool{}
	for range len(calls) + 1 {
		got[<-results] = true
	}
	for _, want := range []string{"holder <nil>", "ok1 <nil>", "ok2 <nil>", "failed true", "panicked kaboom", "missing true"} {
		if !got[want] {
			t.Errorf("results %v lack %q", got, want)
		}
	}
	recs, err := s.Audit(ctx, bot.AuditFilter{Incident: inc.Number})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, r := range recs {
		actions[r.Action]++
	}
	for _, a := range []string{"holder", "ok1", "ok2"} {
		if actions[a] != 1 {
			t.Errorf("audit holds %d %q records, want 1 (all: %v)", actions[a], a, actions)
		}
	}
	for _, a := range []string{"failed", "panicked"} {
		if actions[a] != 0 {
			t.Errorf("audit holds the write of the %s call, rolled back: %v", a, actions)
		}
	}
	// The five queued calls shared the transaction after the holder's.
	after, _ := s.GroupStats()
	if n := after - before; n != 2 {
		t.Errorf("%d transactions committed the holder and its five neighbours, want 2", n)
	}
}

// testGroupOneIncident changes one incident's summary from many goroutines:
// every change sees the one before it, and the audit trail says so in
// order (each record's "before" is the previous record's "after").
func testGroupOneIncident(t *testing.T, s Grouping) {
	const n = 40
	ctx := context.Background()
	svc := newService(t, s, nil)
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "contended"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.SetField(ctx, inc.Number, "alice", bot.FieldSummary, fmt.Sprint("summary ", i))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := mustIncident(t, s, inc.Number)
	if got.Version != inc.Version+n {
		t.Errorf("version %d after %d changes from %d: changes were lost", got.Version, n, inc.Version)
	}
	recs, err := s.Audit(ctx, bot.AuditFilter{Incident: inc.Number})
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	seen := 0
	for _, r := range recs {
		after, ok := r.After["summary"]
		if !ok {
			continue
		}
		if r.Before == nil { // the declaration
			prev = fmt.Sprint(after)
			continue
		}
		seen++
		if b := fmt.Sprint(r.Before["summary"]); b != prev {
			t.Errorf("audit %d: summary before %q, but the record before it left %q", r.ID, b, prev)
		}
		prev = fmt.Sprint(after)
	}
	if seen != n {
		t.Errorf("%d audit records change the summary, want %d", seen, n)
	}
	if got.Summary != prev {
		t.Errorf("summary %q, the last audit record says %q", got.Summary, prev)
	}
}
