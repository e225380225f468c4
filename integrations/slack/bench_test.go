package slack_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack"
	"github.com/warroom/warroom/internal/loadgen"
)

// signedCommand builds a signed slash command request for url.
func signedCommand(b testing.TB, target, text string) *http.Request {
	cmd, rest, _ := strings.Cut(text, " ")
	body := url.Values{"command": {cmd}, "text": {rest}, "user_id": {"U0BENCH"}, "channel_id": {"C0GENERAL"}}.Encode()
	r, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().Unix()
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now, 10))
	r.Header.Set("X-Slack-Signature", slack.Sign(secret, now, []byte(body)))
	return r
}

// BenchmarkSlashCommand: one signed /incident note through the HTTP
// handler to its reply, on SQLite, in process.
func BenchmarkSlashCommand(b *testing.B) {
	s := newStack(b, options{announce: "-none-"})
	if _, err := s.svc.Declare(context.Background(), bot.DeclareInput{Title: "Bench", Actor: "U0BENCH"}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := signedCommand(b, "/slack/commands", fmt.Sprintf("/incident note INC-1 benchmark note %d", i))
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Noted") && !strings.Contains(rec.Body.String(), "INC-1") {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkSlashCommandLoad sends signed slash commands over loopback HTTP
// at a fixed rate (open loop: a slow reply does not slow the sender) and
// reports latency percentiles:
//
//	1000rps: 1,000 requests/s for 3 s (target p99 < 10 ms)
//	100rps-saturated: 100 requests/s for 3 s while alert ingestion
//	    (bot.Service.HandleAlerts, two senders per CPU, back to back)
//	    saturates the machine (target p99 < 50 ms)
//
// Run: go test -run '^$' -bench SlashCommandLoad -benchtime 1x ./integrations/slack/
func BenchmarkSlashCommandLoad(b *testing.B) {
	for _, c := range []struct {
		name     string
		rate     int
		saturate bool
	}{{"1000rps", 1000, false}, {"100rps-saturated", 100, true}} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				p50, p99, max, errs := load(b, c.rate, 3*time.Second, c.saturate)
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(max.Microseconds())/1000, "max-ms")
				b.ReportMetric(float64(errs), "errors")
			}
		})
	}
}

func load(b *testing.B, rate int, d time.Duration, saturate bool) (p50, p99, max time.Duration, errs int64) {
	s := newStack(b, options{announce: "-none-"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Load", Actor: "U0BENCH"}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.handler)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}
	var bg sync.WaitGroup
	var seq atomic.Int64 // alerts ingested
	if saturate {
		// Alert ingestion as fast as it goes: two senders per CPU, each
		// posting firing alerts with new fingerprints into 50 groups,
		// through the Service's own ingestion path.
		for w := range 2 * runtime.NumCPU() {
			bg.Go(func() {
				for ctx.Err() == nil {
					n := seq.Add(1)
					labels := map[string]string{"alertname": "HighLatency" + strconv.Itoa(int(n%50)), "service": "svc", "severity": "critical"}
					_, _ = s.svc.HandleAlerts(ctx, bot.Cause{}, []bot.Alert{{
						Source: "alertmanager", Fingerprint: fmt.Sprintf("w%d-%d", w, n), GroupKey: bot.DefaultGroupKey(labels),
						Status: bot.AlertFiring, Title: labels["alertname"], Labels: labels, StartsAt: time.Now(),
					}})
				}
			})
		}
	}
	// Open loop: request i is due at i/rate and timed from then.
	n := int(float64(rate) * d.Seconds())
	b.ResetTimer()
	lats, failed := loadgen.Paced(float64(rate), n, func(i int) error {
		r := signedCommand(b, srv.URL+"/slack/commands", fmt.Sprintf("/incident note INC-1 load note %d", i))
		res, err := client.Do(r)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", res.StatusCode)
		}
		return nil
	})
	bad := int64(failed)
	b.StopTimer()
	cancel()
	bg.Wait()
	if len(lats) == 0 {
		b.Fatalf("all %d requests failed", n)
	}
	pct := func(p float64) time.Duration { return lats[min(len(lats)-1, int(float64(len(lats))*p))] }
	b.Logf("%d requests at %d/s: p50 %s p99 %s max %s, %d failed; %d alerts ingested meanwhile",
		len(lats), rate, pct(0.5), pct(0.99), lats[len(lats)-1], bad, seq.Load())
	return pct(0.5), pct(0.99), lats[len(lats)-1], bad
}
