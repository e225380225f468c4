package pagerduty_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
)

// eventsLimit is the Events API's published rate limit as the fake
// enforces it: about 120 events a minute per routing key (a fixed window of
// the injected clock); an event over it is answered 429 with Retry-After
// and dropped. The fake's mutex guards it.
type eventsLimit struct {
	now     func() time.Time
	perMin  int
	windows map[string]window // per routing key
	limited int               // 429s answered
}

type window struct {
	start time.Time
	n     int
}

// over answers 429 to an event over its key's limit, reporting whether it
// did; a nil limit enforces nothing.
func (l *eventsLimit) over(w http.ResponseWriter, r *http.Request) bool {
	if l == nil {
		return false
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var ev struct {
		RoutingKey string `json:"routing_key"`
	}
	_ = json.Unmarshal(body, &ev)
	now := l.now()
	win := l.windows[ev.RoutingKey]
	if now.Sub(win.start) >= time.Minute {
		win = window{start: now}
	}
	if win.n >= l.perMin {
		l.limited++
		w.Header().Set("Retry-After", fmt.Sprint(int(win.start.Add(time.Minute).Sub(now).Seconds())+1))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "throttle event", "message": "Requests for this service are arriving too quickly."})
		return true
	}
	win.n++
	l.windows[ev.RoutingKey] = win
	return false
}

// TestPageStormKeepsUnderTheEventsLimit: 150 incidents paging one routing
// key at once are paced under PagerDuty's 120 events a minute: every page
// goes out, none is answered 429, none is dead.
func TestPageStormKeepsUnderTheEventsLimit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.open()
	e.fake.mu.Lock()
	e.fake.limit = &eventsLimit{now: e.clock.Now, perMin: 120, windows: map[string]window{}}
	e.fake.mu.Unlock()
	for i := range 150 {
		e.declare(bot.SEV1, fmt.Sprintf("Storm %d", i))
	}
	for range 240 {
		e.drain()
		e.clock.Advance(time.Second)
	}
	e.fake.mu.Lock()
	events, limited := len(e.fake.events), e.fake.limit.limited
	e.fake.mu.Unlock()
	if events != 150 || limited != 0 {
		t.Errorf("%d events accepted and %d answered 429; want 150 and none", events, limited)
	}
	if dead, _ := e.store.DeadJobs(ctx, 10); len(dead) != 0 {
		t.Errorf("dead jobs: %+v", dead)
	}
}

// TestRESTAuthBlipHeals: PagerDuty refuses the REST token for a while:
// REST is held (paging a person waits, nothing dead), probed with backoff,
// and heals by itself once the token works again.
func TestRESTAuthBlipHeals(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	token := e.fake.token
	e.fake.mu.Lock()
	e.fake.token = "rotated"
	e.fake.users = []map[string]any{{"id": "PUSER01", "type": "user", "name": "Alice Smith", "email": "alice@example.com"}}
	e.fake.mu.Unlock()
	inc := e.declare(bot.SEV3, "Page a person")
	if _, err := e.pd.Page(ctx, inc, "@alice", "please look", "bob"); err != nil {
		t.Fatal(err)
	}
	e.drain()
	held, err := e.store.HeldIntegrations(ctx)
	if err != nil || len(held) != 1 || held[0].Integration != "pagerduty" {
		t.Fatalf("held = %+v, %v; want pagerduty", held, err)
	}
	for range 3 { // probes fail: 5 s, then 10 s, then 20 s apart
		e.clock.Advance(20 * time.Second)
		e.drain()
	}
	e.fake.mu.Lock()
	e.fake.token = token
	e.fake.mu.Unlock()
	for range 4 {
		e.clock.Advance(15 * time.Second)
		e.drain()
	}
	if held, _ := e.store.HeldIntegrations(ctx); len(held) != 0 {
		t.Errorf("still held: %+v", held)
	}
	e.fake.mu.Lock()
	created := len(e.fake.incidents)
	e.fake.mu.Unlock()
	if created != 1 {
		t.Errorf("%d PagerDuty incidents created, want the one page", created)
	}
	if dead, _ := e.store.DeadJobs(ctx, 10); len(dead) != 0 {
		t.Errorf("dead jobs: %+v", dead)
	}
}
