package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func testIncidentRoundTrip(t *testing.T, s bot.Store) {
	ctx := context.Background()
	full := &bot.Incident{
		Title: "Checkout latency above SLO", Summary: "p99 at 4s", Impact: "EU customers", Service: "payments",
		Source: "alertmanager", Severity: bot.SEV1, Status: bot.StatusMonitoring, Private: true,
		StartedAt: at(-time.Hour), DeclaredAt: t0, AcknowledgedAt: ptr(at(time.Minute)),
		MitigatedAt: ptr(at(2 * time.Minute)), ResolvedAt: ptr(at(3 * time.Minute)), ClosedAt: ptr(at(4 * time.Minute)),
		UpdatedAt: at(5 * time.Minute), LastUpdateAt: ptr(at(90 * time.Second)),
		Roles:    map[string]string{bot.RoleCommander: "alice", bot.RoleScribe: "bob"},
		Channels: map[string]string{"slack": "C123", "console": "inc-1"},
		Links:    map[string]bot.Link{bot.LinkJira: {ID: "OPS-7", URL: "https://jira.example/OPS-7"}, bot.LinkPagerDuty: {ID: "P1"}},
		Version:  7,
	}
	bare := &bot.Incident{
		Title: "Bare", Source: "manual", Severity: bot.SEV4, Status: bot.StatusTriggered,
		StartedAt: t0, DeclaredAt: t0, UpdatedAt: t0, Version: 1, Roles: map[string]string{},
	}
	for _, inc := range []*bot.Incident{full, bare} {
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			n, err := tx.NextIncidentNumber(ctx)
			if err != nil {
				return err
			}
			inc.Number = n
			return tx.CreateIncident(ctx, inc)
		})
	}
	if full.Number != 1 || bare.Number != 2 {
		t.Fatalf("numbers %d, %d; want 1, 2", full.Number, bare.Number)
	}
	diff(t, "full incident", full, mustIncident(t, s, 1))
	diff(t, "bare incident", bare, mustIncident(t, s, 2))
	list, err := s.Incidents(ctx, bot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Incidents", []*bot.Incident{bare, full}, list)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.LockIncident(ctx, 1)
		diff(t, "locked incident", full, got)
		return err
	})
	err = s.InTx(ctx, func(tx bot.Tx) error { return tx.CreateIncident(ctx, bare) })
	if bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("creating INC-2 again: %v, want a conflict", err)
	}
}

func testNotFound(t *testing.T, s bot.Store) {
	ctx := context.Background()
	_, err := s.Incident(ctx, 42)
	wantNotFound(t, "Incident", err)
	_, err = s.IncidentByChannel(ctx, "slack", "C404")
	wantNotFound(t, "IncidentByChannel", err)
	_, err = s.MessageByRef(ctx, "slack", "card:INC-42")
	wantNotFound(t, "MessageByRef", err)
	err = s.InTx(ctx, func(tx bot.Tx) error {
		_, err := tx.LockIncident(ctx, 42)
		wantNotFound(t, "LockIncident", err)
		wantNotFound(t, "UpdateIncident", tx.UpdateIncident(ctx, &bot.Incident{Number: 42, Title: "x", Status: bot.StatusTriggered}))
		wantNotFound(t, "UpdateAction", tx.UpdateAction(ctx, &bot.ActionItem{ID: 42, Title: "x"}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := s.Timeline(ctx, 42)
	if err != nil || len(tl) != 0 {
		t.Errorf("Timeline of a missing incident = %v, %v; want none", tl, err)
	}
}

func testLockAndUpdate(t *testing.T, s bot.Store) {
	inc := newIncident(t, s, "Disk full", bot.StatusTriggered)
	var want *bot.Incident
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.LockIncident(ctx, inc.Number)
		if err != nil {
			return err
		}
		got.Status, got.Severity, got.Title = bot.StatusResolved, bot.SEV2, "Disk full on db-1"
		got.AcknowledgedAt, got.ResolvedAt = ptr(at(time.Minute)), ptr(at(time.Hour))
		got.Roles = map[string]string{bot.RoleCommander: "carol"}
		got.Links = map[string]bot.Link{bot.LinkServiceNow: {ID: "abc"}}
		got.UpdatedAt, got.Version = at(time.Hour), got.Version+1
		want = got.Clone()
		return tx.UpdateIncident(ctx, got)
	})
	diff(t, "updated incident", want, mustIncident(t, s, inc.Number))
	// Clearing optional times and maps.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.LockIncident(ctx, inc.Number)
		if err != nil {
			return err
		}
		got.ResolvedAt, got.Roles, got.Links = nil, nil, nil
		want = got.Clone()
		return tx.UpdateIncident(ctx, got)
	})
	diff(t, "cleared incident", want, mustIncident(t, s, inc.Number))
}

// testUpdateIncidentCounts: the counts update writes the alert counts,
// version and update time and nothing else, and a full update after it in
// the same transaction still writes every field.
func testUpdateIncidentCounts(t *testing.T, s bot.Store) {
	inc := newIncident(t, s, "Disk full", bot.StatusTriggered)
	var want *bot.Incident
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.LockIncident(ctx, inc.Number)
		if err != nil {
			return err
		}
		want = got.Clone()
		got.Alerts, got.AlertsFiring, got.Version, got.UpdatedAt = 12, 9, got.Version+1, at(time.Minute)
		want.Alerts, want.AlertsFiring, want.Version, want.UpdatedAt = got.Alerts, got.AlertsFiring, got.Version, got.UpdatedAt
		got.Title, got.Status = "not written", bot.StatusResolved
		return tx.UpdateIncidentCounts(ctx, got)
	})
	diff(t, "counts updated", want, mustIncident(t, s, inc.Number))
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		got, err := tx.LockIncident(ctx, inc.Number)
		if err != nil {
			return err
		}
		got.Alerts, got.Version = 13, got.Version+1
		if err := tx.UpdateIncidentCounts(ctx, got); err != nil {
			return err
		}
		got.Title, got.Status, got.ResolvedAt = "Disk full on db-1", bot.StatusResolved, ptr(at(time.Hour))
		got.Version++
		want = got.Clone()
		return tx.UpdateIncident(ctx, got)
	})
	diff(t, "full update after counts", want, mustIncident(t, s, inc.Number))
	err := s.InTx(context.Background(), func(tx bot.Tx) error {
		return tx.UpdateIncidentCounts(context.Background(), &bot.Incident{Number: 42})
	})
	wantNotFound(t, "UpdateIncidentCounts", err)
}

func testLinkChannel(t *testing.T, s bot.Store) {
	ctx := context.Background()
	a := newIncident(t, s, "A", bot.StatusTriggered)
	b := newIncident(t, s, "B", bot.StatusTriggered)
	link := func(n int64, platform, channel string) error {
		return s.InTx(ctx, func(tx bot.Tx) error {
			inc, err := tx.LockIncident(ctx, n)
			if err != nil {
				return err
			}
			if err := tx.LinkChannel(ctx, n, platform, channel); err != nil {
				return err
			}
			if inc.Channels == nil {
				inc.Channels = map[string]string{}
			}
			inc.Channels[platform] = channel
			return tx.UpdateIncident(ctx, inc)
		})
	}
	if err := link(a.Number, "slack", "C1"); err != nil {
		t.Fatal(err)
	}
	if err := link(a.Number, "console", "inc-1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.IncidentByChannel(ctx, "slack", "C1")
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "IncidentByChannel", mustIncident(t, s, a.Number), got)
	diff(t, "channels", map[string]string{"slack": "C1", "console": "inc-1"}, got.Channels)
	if _, err := s.IncidentByChannel(ctx, "discord", "C1"); err == nil {
		t.Error("channel found on the wrong platform")
	}

	// Linking again is harmless; a new channel on the platform replaces the old.
	if err := link(a.Number, "slack", "C1"); err != nil {
		t.Fatalf("relink same channel: %v", err)
	}
	if err := link(a.Number, "slack", "C2"); err != nil {
		t.Fatal(err)
	}
	_, err = s.IncidentByChannel(ctx, "slack", "C1")
	wantNotFound(t, "old channel", err)
	if got, err := s.IncidentByChannel(ctx, "slack", "C2"); err != nil || got.Number != a.Number {
		t.Errorf("new channel: %v, %v", got, err)
	}

	// A change can read and hold the incident by its channel, and update it.
	want := mustIncident(t, s, a.Number)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, ch := range [][2]string{{"slack", "C1"}, {"discord", "C2"}} {
			_, err := tx.LockIncidentByChannel(ctx, ch[0], ch[1])
			wantNotFound(t, "LockIncidentByChannel "+ch[0]+" "+ch[1], err)
		}
		got, err := tx.LockIncidentByChannel(ctx, "slack", "C2")
		if err != nil {
			return err
		}
		diff(t, "LockIncidentByChannel", want, got)
		got.Title, got.Version = "Renamed by its channel", got.Version+1
		want = got.Clone()
		return tx.UpdateIncident(ctx, got)
	})
	diff(t, "updated by its channel", want, mustIncident(t, s, a.Number))

	// One incident per channel.
	err = link(b.Number, "slack", "C2")
	if bot.ErrorCode(err) != bot.CodeConflict {
		t.Fatalf("linking another incident's channel: %v, want a conflict", err)
	}
	if got, err := s.IncidentByChannel(ctx, "slack", "C2"); err != nil || got.Number != a.Number {
		t.Errorf("after the refused link: %v, %v", got, err)
	}
	if got := mustIncident(t, s, b.Number); got.Channels != nil {
		t.Errorf("refused link left channels %v", got.Channels)
	}
}

func testIncidentFilters(t *testing.T, s bot.Store) {
	ctx := context.Background()
	statuses := []bot.Status{bot.StatusTriggered, bot.StatusResolved, bot.StatusAcknowledged, bot.StatusTriggered, bot.StatusClosed}
	for _, st := range statuses {
		newIncident(t, s, "incident "+string(st), st)
	}
	numbers := func(f bot.IncidentFilter) []int64 {
		t.Helper()
		list, err := s.Incidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, inc := range list {
			out = append(out, inc.Number)
		}
		return out
	}
	tests := []struct {
		name string
		f    bot.IncidentFilter
		want []int64
	}{
		{"all", bot.IncidentFilter{}, []int64{5, 4, 3, 2, 1}},
		{"limit", bot.IncidentFilter{Limit: 2}, []int64{5, 4}},
		{"one status", bot.IncidentFilter{Statuses: []bot.Status{bot.StatusTriggered}}, []int64{4, 1}},
		{"open", bot.IncidentFilter{Statuses: bot.OpenStatuses}, []int64{4, 3, 1}},
		{"open limit", bot.IncidentFilter{Statuses: bot.OpenStatuses, Limit: 1}, []int64{4}},
		{"none match", bot.IncidentFilter{Statuses: []bot.Status{bot.StatusMonitoring}}, nil},
		{"before", bot.IncidentFilter{Before: 4}, []int64{3, 2, 1}},
		{"before limit", bot.IncidentFilter{Before: 5, Limit: 2}, []int64{4, 3}},
		{"open before", bot.IncidentFilter{Statuses: bot.OpenStatuses, Before: 4}, []int64{3, 1}},
		{"offset", bot.IncidentFilter{Offset: 1, Limit: 2}, []int64{4, 3}},
		{"open offset", bot.IncidentFilter{Statuses: bot.OpenStatuses, Offset: 2}, []int64{1}},
		{"offset past the end", bot.IncidentFilter{Offset: 9}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diff(t, "numbers", tc.want, numbers(tc.f))
		})
	}
	counts, err := s.CountByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[bot.Status]int{}
	for _, st := range bot.Statuses {
		want[st] = 0
	}
	want[bot.StatusTriggered], want[bot.StatusResolved], want[bot.StatusAcknowledged], want[bot.StatusClosed] = 2, 1, 1, 1
	diff(t, "CountByStatus", want, counts)
}
