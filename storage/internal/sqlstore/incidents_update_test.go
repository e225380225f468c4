package sqlstore

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestUpdateSetsIndexedColumnsThatChanged: an acknowledgement sets the
// status and the acknowledgement time but none of the columns of the
// indexes it does not change; an unknown old image sets everything.
func TestUpdateSetsIndexedColumnsThatChanged(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	inc := &bot.Incident{Number: 7, Title: "Checkout", Source: "chat", Severity: bot.SEV3, Status: bot.StatusTriggered,
		StartedAt: now, DeclaredAt: now, UpdatedAt: now, Version: 1}
	old, err := incidentArgs(inc)
	if err != nil {
		t.Fatal(err)
	}
	ack := now.Add(time.Minute)
	inc.Status, inc.AcknowledgedAt, inc.UpdatedAt, inc.Version = bot.StatusAcknowledged, &ack, ack, 2
	args, err := incidentArgs(inc)
	if err != nil {
		t.Fatal(err)
	}
	q, qargs := updateVariant(old, args)
	for _, col := range []string{"status", "acknowledged_at", "updated_at", "version", "summary"} {
		if !strings.Contains(q, " "+col+" = $") {
			t.Errorf("ack does not set %s: %s", col, q)
		}
	}
	for _, col := range []string{"title", "service", "source", "severity", "private", "started_at", "declared_at"} {
		if strings.Contains(q, " "+col+" = $") {
			t.Errorf("ack sets %s: %s", col, q)
		}
	}
	if n := strings.Count(q, "$"); n != len(qargs) {
		t.Errorf("%d parameters, %d arguments: %s", n, len(qargs), q)
	}
	if q, qargs := updateVariant(nil, args); q != qUpdateIncidentSets[updAll] || len(qargs) != len(args) {
		t.Errorf("unknown image: %s with %d arguments", q, len(qargs))
	}
}
