package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func testRollback(t *testing.T, s bot.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx bot.Tx) error {
		n, err := tx.NextIncidentNumber(ctx)
		if err != nil {
			return err
		}
		inc := &bot.Incident{Number: n, Title: "doomed", Source: "manual", Severity: bot.SEV2, Status: bot.StatusTriggered,
			StartedAt: t0, DeclaredAt: t0, UpdatedAt: t0, Version: 1}
		steps := []error{
			tx.CreateIncident(ctx, inc),
			tx.LinkChannel(ctx, n, "slack", "C1"),
			tx.AddEntry(ctx, &bot.Entry{Incident: n, At: t0, Kind: bot.EntryDeclared, Text: "declared"}),
			tx.AddAudit(ctx, &bot.AuditRecord{At: t0, Action: "declare", Incident: n}),
			tx.AddAction(ctx, &bot.ActionItem{Incident: n, Seq: 1, Title: "x", Kind: bot.ActionCorrective, Status: bot.ActionOpen, CreatedAt: t0}),
			tx.Enqueue(ctx, &bot.Job{Kind: "console.open", Incident: n, NextAt: t0, CreatedAt: t0}),
			tx.SaveMessage(ctx, &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "card:INC-1", CreatedAt: t0, UpdatedAt: t0}),
			// The channel's rows are found this time, but only in this
			// transaction: nothing may take them for stored.
			tx.SaveMessage(ctx, &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "post:INC-1", CreatedAt: t0, UpdatedAt: t0}),
		}
		if err := errors.Join(steps...); err != nil {
			return err
		}
		return fmt.Errorf("wrapped: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want fn's error", err)
	}
	_, err = s.Incident(ctx, 1)
	wantNotFound(t, "rolled-back incident", err)
	_, err = s.IncidentByChannel(ctx, "slack", "C1")
	wantNotFound(t, "rolled-back channel", err)
	_, err = s.MessageByRef(ctx, "console", "card:INC-1")
	wantNotFound(t, "rolled-back message", err)
	// The rolled-back channel is added again by the next message to it.
	again := &bot.PostedMessage{Platform: "console", Channel: "c", Ref: "note", CreatedAt: t0, UpdatedAt: t0}
	if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.SaveMessage(ctx, again) }); err != nil {
		t.Errorf("a message to the rolled-back channel: %v", err)
	}
	if m, err := s.MessageByRef(ctx, "console", "note"); err != nil || m.Channel != "c" {
		t.Errorf("message to the rolled-back channel: %+v, %v", m, err)
	}
	if tl, _ := s.Timeline(ctx, 1); len(tl) != 0 {
		t.Errorf("timeline kept %v", tl)
	}
	if a, _ := s.Audit(ctx, bot.AuditFilter{}); len(a) != 0 {
		t.Errorf("audit kept %v", a)
	}
	if a, _ := s.Actions(ctx, bot.ActionFilter{}); len(a) != 0 {
		t.Errorf("action items kept %v", a)
	}
	st, err := s.OutboxStats(ctx, t0)
	if err != nil || st != (bot.OutboxStats{}) {
		t.Errorf("outbox stats %+v, %v; want empty", st, err)
	}
	if jobs, _ := s.Claim(ctx, "w", "", at(time.Hour), time.Minute, 10); len(jobs) != 0 {
		t.Errorf("claimed rolled-back jobs %v", jobs)
	}
	// The rolled-back number is given again (SQLite's counter) or skipped
	// (PostgreSQL's sequence), never one below it.
	next := newIncident(t, s, "next", bot.StatusTriggered)
	if next.Number < 1 {
		t.Errorf("after a rolled-back declare the next number is %d", next.Number)
	}

	// A panic rolls back too, and the store stays usable.
	func() {
		defer func() { _ = recover() }()
		_ = s.InTx(ctx, func(tx bot.Tx) error {
			if _, err := tx.NextIncidentNumber(ctx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if inc := newIncident(t, s, "after panic", bot.StatusTriggered); inc.Number <= next.Number {
		t.Errorf("after a panicking transaction the next number is %d, want one past %d", inc.Number, next.Number)
	}
}

func newService(t *testing.T, s bot.Store, now func() time.Time) *bot.Service {
	t.Helper()
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Now: now}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func testConcurrentDeclares(t *testing.T, s bot.Store) {
	const n = 50
	ctx := context.Background()
	svc := newService(t, s, nil)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		numbers []int64
		errs    []error
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			inc, err := svc.Declare(ctx, bot.DeclareInput{Title: fmt.Sprintf("incident %d", i), Actor: "alice"})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			numbers = append(numbers, inc.Number)
		}()
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%d of %d declares failed: %v", len(errs), n, err)
	}
	slices.Sort(numbers)
	for i, got := range numbers {
		if got != int64(i+1) {
			t.Fatalf("numbers %v are not 1..%d", numbers, n)
		}
	}
	counts, err := s.CountByStatus(ctx)
	if err != nil || counts[bot.StatusTriggered] != n {
		t.Errorf("CountByStatus = %v, %v; want %d triggered", counts, err, n)
	}
	st, err := s.OutboxStats(ctx, time.Now())
	if err != nil || st.Pending != n {
		t.Errorf("outbox %+v, %v; want %d pending open jobs", st, err, n)
	}
}

// testServiceLifecycle drives the Service over the store: what it writes
// reads back as it returned it.
func testServiceLifecycle(t *testing.T, s bot.Store) {
	ctx := context.Background()
	now := t0
	svc := newService(t, s, func() time.Time { now = now.Add(time.Second); return now })
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency", Severity: bot.SEV2, Commander: "@alice", Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "declared", inc, mustIncident(t, s, inc.Number))
	steps := []func() (*bot.Incident, error){
		func() (*bot.Incident, error) { return svc.Ack(ctx, bot.Cause{}, inc.Number, "alice") },
		func() (*bot.Incident, error) { return svc.LinkChannel(ctx, inc.Number, "console", "inc-1-checkout") },
		func() (*bot.Incident, error) { return svc.AddNote(ctx, inc.Number, "bob", "rolled back") },
		func() (*bot.Incident, error) { return svc.Resolve(ctx, bot.Cause{}, inc.Number, "alice", "fixed") },
	}
	for i, step := range steps {
		got, err := step()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		diff(t, fmt.Sprintf("after step %d", i), got, mustIncident(t, s, inc.Number))
	}
	if got, err := svc.ByChannel(ctx, "console", "inc-1-checkout"); err != nil || got.Number != inc.Number {
		t.Errorf("ByChannel = %v, %v", got, err)
	}
	if _, err := svc.AddAction(ctx, inc.Number, "alice", bot.ActionInput{Title: "Add alert", Owner: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompleteAction(ctx, bot.Cause{}, inc.Number, "bob", 1); err != nil {
		t.Fatal(err)
	}
	tl, err := svc.Timeline(ctx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []bot.EntryKind
	for _, e := range tl {
		kinds = append(kinds, e.Kind)
	}
	diff(t, "timeline kinds", []bot.EntryKind{bot.EntryDeclared, bot.EntryRoleAssigned, bot.EntryAcknowledged,
		bot.EntryChannelLinked, bot.EntryNote, bot.EntryResolved, bot.EntryActionAdded, bot.EntryActionDone}, kinds)
	audit, err := s.Audit(ctx, bot.AuditFilter{Incident: inc.Number})
	if err != nil || len(audit) != 7 {
		t.Errorf("audit has %d records (%v), want 7", len(audit), err)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, 99, "alice"); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Errorf("Ack of a missing incident: %v, want not found", err)
	}
}

// testConcurrentMutations changes one incident from many goroutines: the
// lock LockIncident takes means no change is lost.
func testConcurrentMutations(t *testing.T, s bot.Store) {
	const n = 20
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
			_, err := svc.AssignRole(ctx, inc.Number, "alice", bot.RoleScribe, fmt.Sprint("user", i))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := mustIncident(t, s, inc.Number)
	if got.Version != inc.Version+n {
		t.Errorf("version %d after %d changes from %d: changes were lost", got.Version, n, inc.Version)
	}
	tl, err := s.Timeline(ctx, inc.Number)
	if err != nil || len(tl) != n+1 {
		t.Errorf("timeline has %d entries (%v), want %d", len(tl), err, n+1)
	}
}
