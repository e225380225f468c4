package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// TestAlertmanagerAlertsThreeToAPage: Alertmanager's alerts as the load
// generator sends them (internal/loadgen: five labels, a summary that is
// the title, a silence link) fit three to a 1 KiB table page (schema 39:
// the title and the silence base are not repeated in every row).
func TestAlertmanagerAlertsThreeToAPage(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "rows.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 600
	starts := time.Date(2026, 12, 7, 21, 0, 0, 0, time.UTC)
	err = s.InTx(ctx, func(tx bot.Tx) error {
		for i := range n {
			g := i % 20
			instance := fmt.Sprintf("host-dneu4vmtyyus-%d-%d", i/10, i%10)
			labels := map[string]string{"alertname": fmt.Sprintf("Bench%d", g), "instance": instance, "job": "node",
				"service": fmt.Sprintf("svc%d", g), "severity": "critical"}
			summary := fmt.Sprintf("Bench%d firing on %s", g, instance)
			a := &bot.Alert{Source: "alertmanager", Fingerprint: fmt.Sprintf("%016x", 1<<60+i*7919), GroupKey: fmt.Sprintf(`alertmanager:{}:{alertname="Bench%d"}`, g),
				Status: bot.AlertFiring, Title: summary, Labels: labels, StartsAt: starts, URL: "http://prometheus.example:9090/graph",
				Annotations: map[string]string{"summary": summary, bot.AnnotationSilence: bot.AlertmanagerSilenceURL("http://alertmanager.example:9093", labels)}}
			if ok, err := tx.InsertAlert(ctx, a, starts); err != nil || !ok {
				return fmt.Errorf("insert alert %d: %v, %w", i, ok, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pageSize, leaves, cells int
	if err := s.DB().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), SUM(ncell) FROM dbstat WHERE name = 'alerts' AND pagetype = 'leaf'`).Scan(&leaves, &cells); err != nil {
		t.Fatal(err)
	}
	if pageSize != 1024 || cells != n {
		t.Fatalf("page size %d, %d rows in the table's leaves: the test assumes 1 KiB pages and %d rows", pageSize, cells, n)
	}
	if per := float64(cells) / float64(leaves); per < 2.9 {
		t.Errorf("%d alert rows in %d leaf pages: %.2f to a page, want 3", cells, leaves, per)
	}
}
