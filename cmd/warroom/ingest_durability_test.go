package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/loadgen"
	"github.com/warroom/warroom/storage/sqlite"
)

// TestBinaryKilledMidBurstKeepsEveryAcknowledgedAlert: 16 senders post
// Alertmanager deliveries of 10 alerts to the built binary as fast as it
// answers; once a few thousand alerts are acknowledged the process is
// killed with SIGKILL, mid-burst. Reopened, the database holds every alert
// that was answered 2xx: group commit answers nobody before the commit.
func TestBinaryKilledMidBurstKeepsEveryAcknowledgedAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const token, senders, ackTarget = "burst-webhook-token", 16, 3000
	dir := t.TempDir()
	p := serveWith(t, warroomBinary(t), dir, "WARROOM_WEBHOOK_TOKEN="+token)
	bodies, err := loadgen.NewBodies(loadgen.Webhook, 10)
	if err != nil {
		t.Fatal(err)
	}
	client := loadgen.Client(senders)
	var (
		seq   atomic.Int64
		acked atomic.Int64
		mu    sync.Mutex
		fps   []string // fingerprints answered 2xx
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for range senders {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				body := bodies.Body(nil, seq.Add(1))
				req, _ := http.NewRequest(http.MethodPost, p.url+"/webhooks/alertmanager", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // killed
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					continue // not acknowledged: nothing is promised
				}
				var d struct {
					Alerts []struct{ Fingerprint string } `json:"alerts"`
				}
				if err := json.Unmarshal(body, &d); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, a := range d.Alerts {
					fps = append(fps, a.Fingerprint)
				}
				mu.Unlock()
				acked.Add(int64(len(d.Alerts)))
			}
		})
	}
	waitFor(t, 60*time.Second, func() bool { return acked.Load() >= ackTarget }, "a few thousand alerts acknowledged")
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL, senders still sending
		t.Fatal(err)
	}
	<-p.exited
	close(stop)
	wg.Wait()

	st, err := sqlite.Open(context.Background(), sqlite.Config{Path: filepath.Join(dir, "warroom.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.Alerts(context.Background(), bot.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool, len(stored))
	for _, a := range stored {
		have[a.Fingerprint] = true
	}
	missing := 0
	for _, fp := range fps {
		if !have[fp] {
			missing++
		}
	}
	if missing > 0 || len(stored) < len(fps) {
		t.Fatalf("%d alerts acknowledged, %d stored after the kill, %d acknowledged ones missing", len(fps), len(stored), missing)
	}
	t.Logf("%d alerts acknowledged before SIGKILL, %d stored (the rest committed but unanswered)", len(fps), len(stored))
}
