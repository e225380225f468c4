package discord_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/discord/discordtest"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/postgres"
)

// TestInteractionOnceAcrossReplicas: three replicas (each its own Service,
// Discord app and store connections) share one database; every one of 20
// declare interactions reaches all three at the same moment. Each is
// handled once: one incident per interaction, one answer that is not
// "handled already" per interaction. On SQLite (three stores on one
// file) and on PostgreSQL.
func TestInteractionOnceAcrossReplicas(t *testing.T) {
	// Each declaration is answered when done, never deferred: a deferred
	// one finishes after its answer, and the count of incidents below
	// would race it on a loaded machine.
	const answerWithin = time.Minute
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			fake := discordtest.New()
			t.Cleanup(fake.Close)
			t.Cleanup(fake.Release)
			fake.AddChannel(forumID, "incidents", 15)
			fake.AddChannel(parentID, "incident-threads", 0)
			fake.AddChannel(announce, "announcements", 0)
			var replicas []*stack
			switch db {
			case "sqlite":
				path := filepath.Join(t.TempDir(), "warroom.db")
				for range 3 {
					replicas = append(replicas, newStack(t, options{path: path, fake: fake, budget: answerWithin}))
				}
			case "postgres":
				dsn := testkit.PostgresSchema(t)
				for range 3 {
					store, err := postgres.Open(context.Background(), postgres.Config{DSN: dsn}, nil)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { store.Close() })
					replicas = append(replicas, newStack(t, options{pg: store, fake: fake, budget: answerWithin}))
				}
			}
			const n = 20
			handled := make([]int, n)
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range n {
				body, _ := json.Marshal(map[string]any{"id": strconv.Itoa(600000000000000000 + i), "application_id": appID, "type": 2,
					"token": "t" + strconv.Itoa(i), "channel_id": parentID, "member": map[string]any{"user": map[string]any{"id": alice}},
					"data": map[string]any{"id": "1", "name": "incident", "type": 1, "options": []map[string]any{{"name": "declare", "type": 1,
						"options": []map[string]any{{"name": "title", "type": 3, "value": "Once " + strconv.Itoa(i)}}}}}})
				start := make(chan struct{})
				for _, r := range replicas {
					req := signed(body, time.Now())
					wg.Go(func() {
						<-start
						rec := r.do(req)
						if rec.Code != http.StatusOK {
							t.Errorf("interaction %d: status %d: %s", i, rec.Code, rec.Body)
							return
						}
						if !strings.Contains(rec.Body.String(), "handled already") {
							mu.Lock()
							handled[i]++
							mu.Unlock()
						}
					})
				}
				close(start)
			}
			wg.Wait()
			for i, h := range handled {
				if h != 1 {
					t.Errorf("interaction %d handled %d times", i, h)
				}
			}
			list, err := replicas[0].svc.List(context.Background(), bot.IncidentFilter{})
			if err != nil || len(list) != n {
				t.Errorf("incidents = %d, %v; want %d", len(list), err, n)
			}
		})
	}
}
