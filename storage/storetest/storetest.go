// Package storetest is the behaviour suite every bot.Store must pass:
// storage/sqlite always, storage/postgres when a test database is at hand.
// Each test opens a fresh, empty store.
//
// It imports bot, internal/testkit (its clock), the standard library and
// go-cmp.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

// Run runs the suite; open returns an empty, migrated store and arranges
// for it to be closed when t ends.
func Run(t *testing.T, open func(t *testing.T) bot.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s bot.Store)
	}{
		{"IncidentRoundTrip", testIncidentRoundTrip},
		{"NotFound", testNotFound},
		{"LockAndUpdate", testLockAndUpdate},
		{"UpdateIncidentCounts", testUpdateIncidentCounts},
		{"LinkChannel", testLinkChannel},
		{"IncidentFilters", testIncidentFilters},
		{"Timeline", testTimeline},
		{"Audit", testAudit},
		{"ActionItems", testActionItems},
		{"Messages", testMessages},
		{"PackedBodies", testPackedBodies},
		{"SaveMessageAlone", testSaveMessageAlone},
		{"SaveMessages", testSaveMessages},
		{"DraftMessages", testDraftMessages},
		{"MessageCopies", testMessageCopies},
		{"CompactRecords", testCompactRecords},
		{"MarkSeen", testMarkSeen},
		{"Tokens", testTokens},
		{"PersonNames", testPersonNames},
		{"Alerts", testAlerts},
		{"AlertSilenceLink", testAlertSilenceLink},
		{"AlertStoredOnce", testAlertStoredOnce},
		{"AlertGroups", testAlertGroups},
		{"MaintenanceWindows", testMaintenanceWindows},
		{"MaintenanceAnnounceClaims", testMaintenanceAnnounceClaims}, {"MaintenanceAnnounced", testMaintenanceAnnounced}, {"MaintenanceAnnouncedOnce", testMaintenanceAnnouncedOncePerReplica},
		{"AlertService", testAlertService},
		{"TwoServicesOneGroup", testTwoServicesOneGroup},
		{"AlertEpisodes", testAlertEpisodes},
		{"AlertsWithoutStart", testAlertsWithoutStart},
		{"ResolutionWithoutStart", testResolutionWithoutStart},
		{"ConcurrentWithoutStart", testConcurrentWithoutStart},
		{"Timers", testTimers},
		{"CancelTimerKinds", testCancelTimerKinds},
		{"EscalationOnce", testEscalationOnce},
		{"RollbackLeavesNothing", testRollback},
		{"ConcurrentDeclaresGapFree", testConcurrentDeclares},
		{"ConcurrentMutations", testConcurrentMutations},
		{"ServiceLifecycle", testServiceLifecycle},
		{"OutboxRoundTrip", testOutboxRoundTrip},
		{"OutboxNotDue", testOutboxNotDue},
		{"OutboxCoalescing", testOutboxCoalescing},
		{"OutboxOrderKeys", testOutboxOrderKeys},
		{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
		{"OutboxRetry", testOutboxRetry},
		{"OutboxRetrySuperseded", testOutboxRetrySuperseded},
		{"OutboxRelease", testOutboxRelease},
		{"OutboxStatsAndDead", testOutboxStatsAndDead},
		{"OutboxConcurrentWorkers", testOutboxConcurrentWorkers},
		{"OutboxTargets", testOutboxTargets},
		{"OutboxWaitIsNotAFailure", testOutboxWaitIsNotAFailure},
		{"OutboxRenew", testOutboxRenew},
		{"OutboxDeadLetters", testOutboxDeadLetters},
		{"OutboxHandoff", testOutboxHandoff},
		{"OutboxHandoffWaits", testOutboxHandoffWaits},
		{"Purge", testPurge},
		{"DueTimersPerKind", testDueTimersPerKind},
		{"BudgetPause", testBudgetPause},
		{"BudgetPacing", testBudgetPacing},
		{"BudgetSlotsShared", testBudgetSlotsShared},
		{"BudgetHold", testBudgetHold},
		{"BudgetOneProbe", testBudgetOneProbe},
		{"BudgetPrune", testBudgetPrune},
		{"BudgetCheckCall", testBudgetCheckCall},
		{"Problems", testProblems},
		{"ProblemLinksAndActions", testProblemLinksAndActions},
		{"ProblemInsights", testProblemInsights},
		{"Ping", testPing},
		{"NewerSchemaStopsClaims", testNewerSchemaStopsClaims},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			tc.fn(t, s)
			checkPrepared(t, s)
		})
	}
}

// checkPrepared fails when the store ran a fixed writer statement that it
// does not prepare although its dialect prepares statements (a statement
// parsed again on every call); stores that say nothing are not checked.
func checkPrepared(t *testing.T, s any) {
	t.Helper()
	if p, ok := s.(interface{ Unprepared() []string }); ok {
		for _, q := range p.Unprepared() {
			t.Errorf("statement run unprepared on the writer: %s", q)
		}
	}
}

// t0 is the suite's "now": microsecond precision, as the Service keeps.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func ptr(t time.Time) *time.Time { return &t }

// inTx runs fn in a transaction and fails the test on error.
func inTx(t *testing.T, s bot.Store, fn func(ctx context.Context, tx bot.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := s.InTx(ctx, func(tx bot.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// newIncident allocates a number and stores a minimal incident.
func newIncident(t *testing.T, s bot.Store, title string, status bot.Status) *bot.Incident {
	t.Helper()
	inc := &bot.Incident{
		Title: title, Source: "manual", Severity: bot.SEV3, Status: status,
		StartedAt: t0, DeclaredAt: t0, UpdatedAt: t0, Version: 1,
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		n, err := tx.NextIncidentNumber(ctx)
		if err != nil {
			return err
		}
		inc.Number = n
		return tx.CreateIncident(ctx, inc)
	})
	return inc
}

func mustIncident(t *testing.T, s bot.Store, n int64) *bot.Incident {
	t.Helper()
	inc, err := s.Incident(context.Background(), n)
	if err != nil {
		t.Fatalf("Incident(%d): %v", n, err)
	}
	return inc
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("%s: error %v, want bot.ErrNotFound", what, err)
	}
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

func testPing(t *testing.T, s bot.Store) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
