package nagios_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/nagios"
	"github.com/warroom/warroom/storage/sqlite"
)

// TestProblemRecoveryThroughService: a PROBLEM opens an incident, its
// re-notification is a duplicate, its RECOVERY resolves the same alert.
func TestProblemRecoveryThroughService(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "warroom.db")}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := bot.NewService(bot.Config{Targets: []string{"console"}}, store, log)
	if err != nil {
		t.Fatal(err)
	}
	rcv, err := nagios.New(nagios.Config{Token: "tok"}, svc, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	renotified := strings.Replace(string(fixture(t, "nagios4-problem-env.json")), `"notificationnumber": "1"`, `"notificationnumber": "2"`, 1)
	for _, step := range []struct{ body, want string }{
		{string(fixture(t, "nagios4-problem-env.json")), `"accepted":1,`},
		{renotified, `"duplicates":1,`},
		{string(fixture(t, "nagios4-recovery-env.json")), `"accepted":1,`},
		{string(fixture(t, "nagios4-recovery-env.json")), `"duplicates":1,`},
	} {
		req := httptest.NewRequest("POST", "/webhooks/nagios", strings.NewReader(step.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok")
		rec := httptest.NewRecorder()
		rcv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), step.want) {
			t.Fatalf("%d %s, want %s", rec.Code, rec.Body, step.want)
		}
	}
	incs, err := svc.List(ctx, bot.IncidentFilter{})
	if err != nil || len(incs) != 1 {
		t.Fatalf("%d incidents (%v)", len(incs), err)
	}
	alerts, err := store.Alerts(ctx, bot.AlertFilter{Incident: incs[0].Number})
	if err != nil || len(alerts) != 1 || alerts[0].Status != bot.AlertResolved {
		t.Fatalf("alerts %+v (%v)", alerts, err)
	}
}
