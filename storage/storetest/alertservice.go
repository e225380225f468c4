package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testAlertService runs HandleAlerts against the store: dedup, grouping,
// resolution and maintenance suppression, with concurrent deliveries.
func testAlertService(t *testing.T, s bot.Store) {
	ctx := context.Background()
	now := t0
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Now: func() time.Time { return now },
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "all", GroupBy: []string{"alertname"}, AutoDeclare: true, AutoResolve: true}}}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	alert := func(fp, name string, status bot.AlertStatus) bot.Alert {
		return bot.Alert{Source: "alertmanager", Fingerprint: fp, Status: status, StartsAt: at(-time.Hour),
			Labels: map[string]string{"alertname": name, "severity": "critical"}}
	}
	// 8 groups, 5 alerts each, every delivery sent 3 times, concurrently.
	var wg sync.WaitGroup
	errs := make(chan error, 120)
	for g := range 8 {
		for i := range 5 {
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(fmt.Sprintf("%d-%d", g, i), fmt.Sprintf("A%d", g), bot.AlertFiring)})
					if err != nil {
						errs <- err
					}
				}()
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	incs, err := s.Incidents(ctx, bot.IncidentFilter{})
	if err != nil || len(incs) != 8 {
		t.Fatalf("%d incidents (%v), want 8", len(incs), err)
	}
	for _, inc := range incs {
		if inc.Alerts != 5 || inc.AlertsFiring != 5 || inc.Severity != bot.SEV2 {
			t.Errorf("%s: %d alerts, %d firing, %s; want 5, 5, SEV2", inc.Key(), inc.Alerts, inc.AlertsFiring, inc.Severity)
		}
	}
	// Resolve group 0 entirely: its incident resolves.
	var resolved []bot.Alert
	for i := range 5 {
		resolved = append(resolved, alert(fmt.Sprintf("0-%d", i), "A0", bot.AlertResolved))
	}
	res, err := svc.HandleAlerts(ctx, bot.Cause{}, resolved)
	if err != nil || res.Accepted != 5 || len(res.Incidents) != 1 {
		t.Fatalf("resolutions = %+v, %v", res, err)
	}
	if inc := mustIncident(t, s, res.Incidents[0]); inc.Status != bot.StatusResolved || inc.AlertsFiring != 0 {
		t.Errorf("after all alerts resolved: %s, %d firing", inc.Status, inc.AlertsFiring)
	}
	// A maintenance window suppresses.
	w, err := svc.Maintenance().Start(ctx, bot.MaintenanceWindow{Matchers: []bot.Matcher{{Name: "alertname", Op: "=~", Value: "Quiet.*"}}, EndsAt: at(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	res, err = svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert("q", "QuietOne", bot.AlertFiring)})
	if err != nil || res.Suppressed != 1 || len(res.Incidents) != 0 {
		t.Errorf("suppressed delivery = %+v, %v", res, err)
	}
	if got, err := s.Alerts(ctx, bot.AlertFilter{Window: w.ID}); err != nil || len(got) != 1 {
		t.Errorf("window's alerts = %+v, %v", got, err)
	}
}

// testTwoServicesOneGroup is two warroom processes on one database taking
// the same alerts at once (Alertmanager HA sends every alert from each
// replica): one incident per group, every alert stored once.
func testTwoServicesOneGroup(t *testing.T, s bot.Store) {
	ctx := context.Background()
	var svcs []*bot.Service
	for range 2 {
		svc, err := bot.NewService(bot.Config{Now: func() time.Time { return t0 }}, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for _, svc := range svcs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprint(i), GroupKey: fmt.Sprintf("{}:{g=%d}", i%3),
					Status: bot.AlertFiring, StartsAt: t0, Labels: map[string]string{"alertname": "HA"}}
				if _, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{a}); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	incs, err := s.Incidents(ctx, bot.IncidentFilter{})
	if err != nil || len(incs) != 3 {
		t.Fatalf("%d incidents (%v), want 3", len(incs), err)
	}
	total := 0
	for _, inc := range incs {
		total += inc.Alerts
	}
	if all, err := s.Alerts(ctx, bot.AlertFilter{}); err != nil || len(all) != 20 || total != 20 {
		t.Errorf("%d alerts stored, %d counted on incidents; want 20 and 20 (%v)", len(all), total, err)
	}
}
