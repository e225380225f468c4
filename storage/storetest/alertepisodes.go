package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// testAlertEpisodes: AlertEpisodes reads the firing alerts of one (source,
// fingerprint) and the latest one, latest start first, and nothing of
// other fingerprints or sources.
func testAlertEpisodes(t *testing.T, s bot.Store) {
	ctx := context.Background()
	add := func(src, fp string, start time.Duration, status bot.AlertStatus) {
		t.Helper()
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			a := bot.Alert{Source: src, Fingerprint: fp, GroupKey: "g", Status: status, StartsAt: at(start)}
			ok, err := tx.InsertAlert(ctx, &a, t0)
			if err == nil && !ok {
				t.Errorf("alert %s/%s at %v not inserted", src, fp, start)
			}
			return err
		})
	}
	episodes := func(src, fp string) []time.Time {
		t.Helper()
		var got []time.Time
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			eps, err := tx.AlertEpisodes(ctx, src, fp)
			for _, a := range eps {
				if a.Source != src || a.Fingerprint != fp {
					t.Errorf("episode of %s/%s, want %s/%s", a.Source, a.Fingerprint, src, fp)
				}
				got = append(got, a.StartsAt)
			}
			return err
		})
		return got
	}
	if got := episodes("sns", "arn"); len(got) != 0 {
		t.Errorf("no alerts: episodes %v", got)
	}
	add("sns", "arn", -3*time.Hour, bot.AlertResolved)
	add("sns", "arn", -2*time.Hour, bot.AlertFiring)
	add("sns", "arn", -time.Hour, bot.AlertResolved)
	add("sns", "other", 0, bot.AlertFiring)
	add("nagios", "arn", 0, bot.AlertFiring)
	// A resolved latest and an older firing one; the oldest resolved is left out.
	diff(t, "episodes", []time.Time{at(-time.Hour), at(-2 * time.Hour)}, episodes("sns", "arn"))
	add("sns", "arn", -30*time.Minute, bot.AlertFiring)
	diff(t, "episodes", []time.Time{at(-30 * time.Minute), at(-2 * time.Hour)}, episodes("sns", "arn"))
	diff(t, "episodes", []time.Time{t0}, episodes("sns", "other"))
	// Read outside the transaction too.
	stored, err := s.StoredAlertEpisodes(ctx, "sns", "arn")
	if err != nil || len(stored) != 2 || !stored[0].StartsAt.Equal(at(-30*time.Minute)) || stored[1].Status != bot.AlertFiring {
		t.Errorf("stored episodes = %+v, %v", stored, err)
	}
}

// testAlertsWithoutStart: alerts whose sender gives no start time (zero
// StartsAt) belong to the open episode of their (source, fingerprint): a
// resolution resolves it, a repeat is a duplicate, a firing after the
// resolution is a new episode that reopens or declares per the route.
func testAlertsWithoutStart(t *testing.T, s bot.Store) {
	ctx := context.Background()
	now := t0
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Now: func() time.Time { return now },
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "all", GroupBy: []string{"alertname"},
			AutoDeclare: true, AutoResolve: true, ReopenWindow: time.Hour}}}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	alert := func(status bot.AlertStatus) bot.Alert {
		return bot.Alert{Source: "generic", Fingerprint: "disk-full", Status: status, Title: "Disk full",
			Labels: map[string]string{"alertname": "DiskFull"}}
	}
	send := func(status bot.AlertStatus, want bot.AlertResult) bot.AlertResult {
		t.Helper()
		res, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(status)})
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		if res.Accepted != want.Accepted || res.Duplicates != want.Duplicates || res.Suppressed != want.Suppressed {
			t.Errorf("%s: %+v, want %+v", status, res, want)
		}
		return res
	}
	res := send(bot.AlertFiring, bot.AlertResult{Accepted: 1})
	if len(res.Incidents) != 1 {
		t.Fatalf("first firing: incidents %v", res.Incidents)
	}
	n := res.Incidents[0]
	explain := func(status bot.AlertStatus, action string, inc int64) {
		t.Helper()
		ds, err := svc.Explain(ctx, []bot.Alert{alert(status)})
		if err != nil || len(ds) != 1 || ds[0].Action != action || ds[0].Incident != inc {
			t.Errorf("Explain %s = %+v, %v; want %s on %d", status, ds, err, action, inc)
		}
	}
	explain(bot.AlertFiring, bot.ActionDuplicate, n)
	explain(bot.AlertResolved, bot.ActionResolve, n)
	now = now.Add(time.Minute)
	send(bot.AlertFiring, bot.AlertResult{Duplicates: 1})
	now = now.Add(time.Minute)
	send(bot.AlertResolved, bot.AlertResult{Accepted: 1})
	inc := mustIncident(t, s, n)
	if inc.Status != bot.StatusResolved || inc.AlertsFiring != 0 || inc.Alerts != 1 {
		t.Errorf("after the resolution: %s, %d firing of %d", inc.Status, inc.AlertsFiring, inc.Alerts)
	}
	entries, err := s.Timeline(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	all := false
	for _, e := range entries {
		all = all || e.Kind == bot.EntryAlertResolved && e.Data["all"] == "true"
	}
	if !all {
		t.Errorf("no all-resolved entry in %+v", entries)
	}
	send(bot.AlertResolved, bot.AlertResult{Duplicates: 1}) // redelivered
	explain(bot.AlertResolved, bot.ActionDuplicate, n)
	explain(bot.AlertFiring, bot.ActionReopen, n)

	// Fires again within the reopen window: a second episode reopens.
	now = now.Add(10 * time.Minute)
	res = send(bot.AlertFiring, bot.AlertResult{Accepted: 1})
	inc = mustIncident(t, s, n)
	if len(res.Incidents) != 1 || res.Incidents[0] != n || inc.Status != bot.StatusInvestigating || inc.Alerts != 2 || inc.AlertsFiring != 1 {
		t.Errorf("second episode: incidents %v, %s, %d firing of %d", res.Incidents, inc.Status, inc.AlertsFiring, inc.Alerts)
	}
	send(bot.AlertResolved, bot.AlertResult{Accepted: 1})
	stored, err := s.Alerts(ctx, bot.AlertFilter{Incident: n})
	if err != nil || len(stored) != 2 {
		t.Fatalf("alerts of %s = %+v, %v", bot.FormatKey(n), stored, err)
	}
	for i, want := range []time.Time{t0, t0.Add(12 * time.Minute)} {
		if a := stored[i]; a.Status != bot.AlertResolved || !a.StartsAt.Equal(want) {
			t.Errorf("episode %d: %s from %v, want resolved from %v", i+1, a.Status, a.StartsAt, want)
		}
	}

	// Fires again long after: a third episode, a new incident.
	now = now.Add(2 * time.Hour)
	res = send(bot.AlertFiring, bot.AlertResult{Accepted: 1})
	if len(res.Incidents) != 1 || res.Incidents[0] == n {
		t.Errorf("third episode: incidents %v, want a new one", res.Incidents)
	}

	// One delivery firing, resolving and firing again at one instant: two
	// episodes, the second open.
	res, err = svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(bot.AlertResolved), alert(bot.AlertFiring), alert(bot.AlertResolved), alert(bot.AlertFiring)})
	if err != nil || res.Accepted != 4 || res.Duplicates != 0 {
		t.Fatalf("one delivery = %+v, %v", res, err)
	}
	if inc := mustIncident(t, s, res.Incidents[0]); inc.AlertsFiring != 1 || !inc.Status.Open() {
		t.Errorf("after one delivery: %s, %d firing", inc.Status, inc.AlertsFiring)
	}

	// A resolution never seen firing is recorded, once.
	stray := alert(bot.AlertResolved)
	stray.Fingerprint = "never-fired"
	for i, want := range []bot.AlertResult{{Accepted: 1}, {Duplicates: 1}} {
		res, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{stray})
		if err != nil || res.Accepted != want.Accepted || res.Duplicates != want.Duplicates || len(res.Incidents) != 0 {
			t.Errorf("stray resolution %d = %+v, %v", i+1, res, err)
		}
	}
}

// testResolutionWithoutStart: a resolution without a start time resolves
// every firing alert of its fingerprint, whatever their starts (CloudWatch
// ALARM → INSUFFICIENT_DATA → ALARM → OK), and an alert with a start keeps
// its exact identity.
func testResolutionWithoutStart(t *testing.T, s bot.Store) {
	ctx := context.Background()
	now := t0
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}, Now: func() time.Time { return now },
		Alerts: bot.AlertConfig{Routes: []bot.Route{{Name: "all", GroupBy: []string{"alertname"}, AutoDeclare: true}}}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	alert := func(status bot.AlertStatus, start time.Time) bot.Alert {
		return bot.Alert{Source: "sns", Fingerprint: "arn:aws:cloudwatch:eu-west-1:1:alarm:cpu", Status: status,
			StartsAt: start, Labels: map[string]string{"alertname": "cpu"}}
	}
	res, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(bot.AlertFiring, at(-time.Hour)), alert(bot.AlertFiring, at(-time.Minute)), alert(bot.AlertFiring, at(-time.Hour))})
	if err != nil || res.Accepted != 2 || res.Duplicates != 1 || len(res.Incidents) != 1 {
		t.Fatalf("firing = %+v, %v", res, err)
	}
	n := res.Incidents[0]
	res, err = svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(bot.AlertResolved, time.Time{})})
	if err != nil || res.Accepted != 1 || len(res.Incidents) != 1 || res.Incidents[0] != n {
		t.Fatalf("resolution = %+v, %v", res, err)
	}
	// The route does not auto-resolve: the incident stays open, all resolved.
	if inc := mustIncident(t, s, n); inc.AlertsFiring != 0 || inc.Alerts != 2 || !inc.Status.Open() {
		t.Errorf("after the resolution: %s, %d firing of %d", inc.Status, inc.AlertsFiring, inc.Alerts)
	}
	// A late copy of the first ALARM, with its start: a duplicate still.
	res, err = svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{alert(bot.AlertFiring, at(-time.Hour))})
	if err != nil || res.Duplicates != 1 {
		t.Errorf("late copy = %+v, %v", res, err)
	}
}

// testConcurrentWithoutStart: two processes taking the same alerts
// without start times at once store one episode per fingerprint, and
// their resolutions resolve it once.
func testConcurrentWithoutStart(t *testing.T, s bot.Store) {
	ctx := context.Background()
	var svcs []*bot.Service
	for i := range 2 {
		now := t0.Add(time.Duration(i) * time.Second) // clocks that disagree
		svc, err := bot.NewService(bot.Config{Now: func() time.Time { return now }}, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, svc)
	}
	var (
		mu    sync.Mutex
		total bot.AlertResult
	)
	sendAll := func(status bot.AlertStatus) {
		var wg sync.WaitGroup
		for i := range 30 {
			for _, svc := range svcs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := bot.Alert{Source: "nagios", Fingerprint: fmt.Sprint(i % 3), Status: status,
						Labels: map[string]string{"alertname": fmt.Sprintf("check-%d", i%3)}}
					res, err := svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{a})
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total.Accepted += res.Accepted
					total.Duplicates += res.Duplicates
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
	}
	sendAll(bot.AlertFiring)
	sendAll(bot.AlertResolved)
	if total.Accepted != 6 || total.Duplicates != 114 {
		t.Errorf("accepted %d, duplicates %d; want 6 and 114", total.Accepted, total.Duplicates)
	}
	all, err := s.Alerts(ctx, bot.AlertFilter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("%d alerts stored (%v), want 3", len(all), err)
	}
	for _, a := range all {
		if a.Status != bot.AlertResolved || a.StartsAt.IsZero() {
			t.Errorf("alert %s: %s from %v, want resolved with a start", a.Fingerprint, a.Status, a.StartsAt)
		}
	}
	incs, err := s.Incidents(ctx, bot.IncidentFilter{})
	if err != nil || len(incs) != 3 {
		t.Fatalf("%d incidents (%v), want 3", len(incs), err)
	}
	for _, inc := range incs {
		if inc.Alerts != 1 || inc.AlertsFiring != 0 {
			t.Errorf("%s: %d firing of %d, want 0 of 1", inc.Key(), inc.AlertsFiring, inc.Alerts)
		}
	}
}
