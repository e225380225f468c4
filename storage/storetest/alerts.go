package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

func testAlerts(t *testing.T, s bot.Store) {
	ctx := context.Background()
	inc := newIncident(t, s, "Disk full", bot.StatusTriggered)
	a := &bot.Alert{
		Source: "alertmanager", Fingerprint: "abc", GroupKey: "db:cluster=c1", Status: bot.AlertFiring, Title: "Disk full",
		Labels: map[string]string{"alertname": "DiskFull"}, Annotations: map[string]string{"summary": "97%"},
		StartsAt: t0, URL: "http://prom/graph", Incident: inc.Number,
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		ok, err := tx.InsertAlert(ctx, a, at(time.Second))
		if err != nil || !ok || a.ID == 0 {
			t.Errorf("InsertAlert = %v, %v (id %d)", ok, err, a.ID)
		}
		// The same identity is never stored twice.
		dup := *a
		dup.ID = 0
		ok, err = tx.InsertAlert(ctx, &dup, at(2*time.Second))
		if err != nil || ok {
			t.Errorf("InsertAlert of a duplicate = %v, %v", ok, err)
		}
		// Another start is another alert.
		later := *a
		later.ID, later.StartsAt, later.Incident = 0, at(time.Hour), 0
		if ok, err := tx.InsertAlert(ctx, &later, at(time.Hour)); err != nil || !ok {
			t.Errorf("InsertAlert of a later start = %v, %v", ok, err)
		}
		got, err := tx.AlertByKey(ctx, "alertmanager", "abc", t0)
		if err != nil {
			return err
		}
		diff(t, "alert in tx", a, got)
		_, err = tx.AlertByKey(ctx, "alertmanager", "nope", t0)
		wantNotFound(t, "AlertByKey", err)
		return tx.ResolveAlert(ctx, a.ID, ptr(at(time.Minute)))
	})
	got, err := s.StoredAlert(ctx, "alertmanager", "abc", t0)
	if err != nil {
		t.Fatal(err)
	}
	want := *a
	want.Status, want.EndsAt = bot.AlertResolved, ptr(at(time.Minute))
	diff(t, "resolved alert", &want, got)
	list, err := s.Alerts(ctx, bot.AlertFilter{Incident: inc.Number})
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("Alerts(incident) = %+v, %v", list, err)
	}
	if all, err := s.Alerts(ctx, bot.AlertFilter{}); err != nil || len(all) != 2 {
		t.Errorf("Alerts() = %d, %v; want 2", len(all), err)
	}
	err = s.InTx(ctx, func(tx bot.Tx) error { return tx.ResolveAlert(ctx, 999, nil) })
	wantNotFound(t, "ResolveAlert(999)", err)

	// Concurrent inserts of one alert: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan bool, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.InTx(ctx, func(tx bot.Tx) error {
				b := &bot.Alert{Source: "grafana", Fingerprint: "race", GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0}
				ok, err := tx.InsertAlert(ctx, b, t0)
				wins <- ok && err == nil
				return err
			})
		}()
	}
	wg.Wait()
	close(wins)
	n := 0
	for w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d concurrent inserts of one alert succeeded, want 1", n)
	}
}

func testAlertGroups(t *testing.T, s bot.Store) {
	ctx := context.Background()
	i1 := newIncident(t, s, "one", bot.StatusTriggered)
	i2 := newIncident(t, s, "two", bot.StatusTriggered)
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		_, err := tx.AlertGroup(ctx, "g")
		wantNotFound(t, "AlertGroup", err)
		if err := tx.SaveAlertGroup(ctx, bot.AlertGroup{Key: "g", Incident: i1.Number, UpdatedAt: t0}); err != nil {
			return err
		}
		g, err := tx.AlertGroup(ctx, "g")
		diff(t, "group", bot.AlertGroup{Key: "g", Incident: i1.Number, UpdatedAt: t0}, g)
		return err
	})
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		return tx.SaveAlertGroup(ctx, bot.AlertGroup{Key: "g", Incident: i2.Number, UpdatedAt: at(time.Hour)})
	})
	g, err := s.StoredAlertGroup(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "replaced group", bot.AlertGroup{Key: "g", Incident: i2.Number, UpdatedAt: at(time.Hour)}, g)
	_, err = s.StoredAlertGroup(ctx, "other")
	wantNotFound(t, "StoredAlertGroup", err)
	// Incidents keep their alert counts.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		inc, err := tx.LockIncident(ctx, i1.Number)
		if err != nil {
			return err
		}
		inc.Alerts, inc.AlertsFiring = 12, 3
		return tx.UpdateIncident(ctx, inc)
	})
	if got := mustIncident(t, s, i1.Number); got.Alerts != 12 || got.AlertsFiring != 3 {
		t.Errorf("alert counts %d/%d, want 12/3", got.Alerts, got.AlertsFiring)
	}
}

func testMaintenanceWindows(t *testing.T, s bot.Store) {
	ctx := context.Background()
	ms := []bot.Matcher{{Name: "service", Op: "=", Value: "db"}, {Name: "env", Op: "=~", Value: "prod.*"}}
	running := &bot.MaintenanceWindow{Matchers: ms, StartsAt: t0, EndsAt: at(2 * time.Hour), CreatedBy: "alice", Comment: "upgrade", CreatedAt: t0}
	ahead := &bot.MaintenanceWindow{Name: "nightly", Matchers: ms[:1], StartsAt: at(10 * time.Hour), EndsAt: at(11 * time.Hour), CreatedAt: t0}
	past := &bot.MaintenanceWindow{Matchers: ms[:1], StartsAt: at(-3 * time.Hour), EndsAt: at(-2 * time.Hour), CreatedAt: t0}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, w := range []*bot.MaintenanceWindow{running, ahead, past} {
			if ok, err := tx.CreateMaintenance(ctx, w); err != nil || !ok || w.ID == 0 {
				t.Errorf("CreateMaintenance = %v, %v", ok, err)
			}
		}
		// A named window is stored once; the second create reads it back.
		again := &bot.MaintenanceWindow{Name: "nightly", Matchers: ms, StartsAt: t0, EndsAt: at(time.Hour), CreatedAt: at(time.Minute)}
		if ok, err := tx.CreateMaintenance(ctx, again); err != nil || ok || again.ID != ahead.ID || !again.StartsAt.Equal(ahead.StartsAt) {
			t.Errorf("CreateMaintenance(same name) = %v, %v, %+v", ok, err, again)
		}
		active, err := tx.ActiveMaintenance(ctx, at(time.Minute))
		if err != nil || len(active) != 1 || active[0].ID != running.ID {
			t.Errorf("ActiveMaintenance = %+v, %v", active, err)
		}
		if len(active) == 1 && !active[0].Matchers[1].Matches(map[string]string{"env": "prod-eu"}) {
			t.Errorf("stored regexp matcher does not match")
		}
		return tx.AddSuppressed(ctx, running.ID, 7)
	})
	cur, err := s.MaintenanceWindows(ctx, bot.MaintenanceFilter{Current: true, Now: at(time.Minute)})
	if err != nil || len(cur) != 2 || cur[0].ID != running.ID || cur[1].ID != ahead.ID || cur[0].Suppressed != 7 {
		t.Fatalf("current windows = %+v, %v", cur, err)
	}
	if !cur[0].Matchers[0].Equal(ms[0]) || cur[0].Comment != "upgrade" || cur[0].CreatedBy != "alice" || cur[1].Name != "nightly" {
		t.Errorf("round trip: %+v", cur)
	}
	// End early: no longer active nor current, still listed for SLA periods.
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		w, err := tx.LockMaintenance(ctx, running.ID)
		if err != nil || w.ID != running.ID {
			t.Errorf("LockMaintenance = %+v, %v", w, err)
		}
		_, err = tx.LockMaintenance(ctx, 999)
		wantNotFound(t, "LockMaintenance(999)", err)
		if err := tx.EndMaintenance(ctx, running.ID, at(30*time.Minute)); err != nil {
			return err
		}
		if err := tx.EndMaintenance(ctx, 999, t0); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("EndMaintenance(999) = %v", err)
		}
		active, err := tx.ActiveMaintenance(ctx, at(time.Hour))
		if len(active) != 0 {
			t.Errorf("ended window still active: %+v", active)
		}
		return err
	})
	cur, _ = s.MaintenanceWindows(ctx, bot.MaintenanceFilter{Current: true, Now: at(time.Hour)})
	if len(cur) != 1 || cur[0].ID != ahead.ID {
		t.Errorf("current after end = %+v", cur)
	}
	period, err := s.MaintenanceWindows(ctx, bot.MaintenanceFilter{From: at(-4 * time.Hour), To: at(time.Hour)})
	if err != nil || len(period) != 2 || period[0].ID != past.ID || period[1].ID != running.ID || period[1].EndedAt == nil {
		t.Errorf("windows overlapping the period = %+v, %v", period, err)
	}
}
