package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/warroom/warroom/bot"
)

// testAlertSilenceLink: an Alertmanager silence link is stored as its
// base and read back as the same link, whichever way the alert is read; a
// link warroom would not make from the labels is kept as sent.
func testAlertSilenceLink(t *testing.T, s bot.Store) {
	ctx := context.Background()
	labels := map[string]string{"alertname": "DiskFull", "instance": `db-1:9100 "primary"`, "job": "node"}
	link := bot.AlertmanagerSilenceURL("https://am.example:9093/", labels)
	if link == "" {
		t.Fatal("no silence link")
	}
	alerts := []*bot.Alert{
		{Source: "alertmanager", Fingerprint: "made", GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0,
			Labels: labels, Annotations: map[string]string{"summary": "97%", bot.AnnotationSilence: link}},
		{Source: "alertmanager", Fingerprint: "only-link", GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0,
			Labels: labels, Annotations: map[string]string{bot.AnnotationSilence: link}},
		{Source: "alertmanager", Fingerprint: "own-link", GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0,
			Labels: labels, Annotations: map[string]string{bot.AnnotationSilence: link + "&x=1"}},
		{Source: "alertmanager", Fingerprint: "other-labels", GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0,
			Labels: map[string]string{"alertname": "DiskFull"}, Annotations: map[string]string{bot.AnnotationSilence: link}},
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		for _, a := range alerts {
			if ok, err := tx.InsertAlert(ctx, a, t0); err != nil || !ok {
				t.Fatalf("InsertAlert(%s) = %v, %v", a.Fingerprint, ok, err)
			}
		}
		for _, a := range alerts {
			got, err := tx.AlertByKey(ctx, a.Source, a.Fingerprint, t0)
			if err != nil {
				return err
			}
			diff(t, "alert in tx "+a.Fingerprint, a, got)
		}
		return nil
	})
	for _, a := range alerts {
		got, err := s.StoredAlert(ctx, a.Source, a.Fingerprint, t0)
		if err != nil {
			t.Fatal(err)
		}
		diff(t, "stored alert "+a.Fingerprint, a, got)
		eps, err := s.StoredAlertEpisodes(ctx, a.Source, a.Fingerprint)
		if err != nil || len(eps) != 1 {
			t.Fatalf("StoredAlertEpisodes(%s) = %d, %v", a.Fingerprint, len(eps), err)
		}
		diff(t, "episode "+a.Fingerprint, a, &eps[0])
	}
	list, err := s.Alerts(ctx, bot.AlertFilter{})
	if err != nil || len(list) != len(alerts) {
		t.Fatalf("Alerts() = %d, %v", len(list), err)
	}
	for i := range list {
		diff(t, "listed alert "+list[i].Fingerprint, alerts[i], &list[i])
	}
}

// testAlertStoredOnce: an alert whose title is its summary annotation,
// and one whose silence base is stored once (schema 39), read back as
// sent, also after the transaction that first named the base rolled back
// and after it was stored by another.
func testAlertStoredOnce(t *testing.T, s bot.Store) {
	ctx := context.Background()
	labels := map[string]string{"alertname": "DiskFull", "instance": "db-1:9100"}
	link := func(base string) string { return bot.AlertmanagerSilenceURL(base, labels) }
	alert := func(fp, title, summary, base string) *bot.Alert {
		ann := map[string]string{}
		if summary != "" {
			ann["summary"] = summary
		}
		if base != "" {
			ann[bot.AnnotationSilence] = link(base)
		}
		return &bot.Alert{Source: "alertmanager", Fingerprint: fp, GroupKey: "g", Status: bot.AlertFiring, StartsAt: t0,
			Title: title, Labels: labels, Annotations: ann}
	}
	errRollback := errors.New("roll back")
	err := s.InTx(ctx, func(tx bot.Tx) error {
		if ok, err := tx.InsertAlert(ctx, alert("gone", "Disk full", "Disk full", "https://am-a.example/"), t0); err != nil || !ok {
			t.Fatalf("InsertAlert(gone) = %v, %v", ok, err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("InTx = %v, want the rollback", err)
	}
	alerts := []*bot.Alert{
		alert("summary", "Disk full on db-1", "Disk full on db-1", "https://am-a.example/"),
		alert("own-title", "DiskFull", "Disk full on db-1", "https://am-a.example/"),
		alert("no-summary", "DiskFull", "", "https://am-b.example/"),
		alert("empty-title", "", "", ""),
		alert("summary-no-base", "97%", "97%", ""),
	}
	for i, a := range alerts {
		// One transaction per alert: the later ones find the bases
		// committed by the earlier.
		inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
			if ok, err := tx.InsertAlert(ctx, a, t0); err != nil || !ok {
				t.Fatalf("InsertAlert(%d, %s) = %v, %v", i, a.Fingerprint, ok, err)
			}
			return nil
		})
	}
	inTx(t, s, func(ctx context.Context, tx bot.Tx) error {
		a := alert("later", "Disk full", "Disk full", "https://am-b.example/")
		if ok, err := tx.InsertAlert(ctx, a, t0); err != nil || !ok {
			t.Fatalf("InsertAlert(later) = %v, %v", ok, err)
		}
		alerts = append(alerts, a)
		return nil
	})
	if _, err := s.StoredAlert(ctx, "alertmanager", "gone", t0); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("rolled-back alert: %v, want not found", err)
	}
	for _, a := range alerts {
		got, err := s.StoredAlert(ctx, a.Source, a.Fingerprint, t0)
		if err != nil {
			t.Fatal(err)
		}
		diff(t, "stored alert "+a.Fingerprint, a, got)
	}
	list, err := s.Alerts(ctx, bot.AlertFilter{})
	if err != nil || len(list) != len(alerts) {
		t.Fatalf("Alerts() = %d, %v", len(list), err)
	}
	for i := range list {
		diff(t, "listed alert "+list[i].Fingerprint, alerts[i], &list[i])
	}
}
