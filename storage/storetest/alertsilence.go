package storetest

import (
	"context"
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
