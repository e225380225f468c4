package console_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// stream opens a server-sent events URL and returns a function that reads
// the next event's name.
func stream(t *testing.T, url string) func() string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	return func() string {
		t.Helper()
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				return name
			}
		}
		t.Fatalf("the stream ended: %v", sc.Err())
		return ""
	}
}

func TestLiveUpdates(t *testing.T) {
	s := newStack(t, console.Config{Poll: 20 * time.Millisecond})
	srv := s.serve(t)
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency", Severity: bot.SEV2, Service: "payments", Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	page := stream(t, srv.URL+"/console/events?incident="+inc.Key())
	list := stream(t, srv.URL+"/console/events")
	if page() != "ready" || list() != "ready" {
		t.Fatal("no ready event")
	}
	if _, err := s.svc.AddNote(ctx, inc.Number, "bob", "looking"); err != nil {
		t.Fatal(err)
	}
	if got := page(); got != "change" {
		t.Errorf("the incident page's stream sent %q after a note, want change", got)
	}
	// A note changes the timeline, not the list; an acknowledgement both.
	if _, err := s.svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if got := page(); got != "change" {
		t.Errorf("the incident page's stream sent %q after an acknowledgement, want change", got)
	}
	if got := list(); got != "change" {
		t.Errorf("the list's stream sent %q after an acknowledgement, want change", got)
	}
	if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Search down", Severity: bot.SEV1, Actor: "alice"}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "change" {
		t.Errorf("the list's stream sent %q after a declaration, want change", got)
	}
	code, _, _ := get(t, srv.URL+"/console/events?incident=INC-99")
	if code != 404 {
		t.Errorf("events of an unknown incident: %d, want 404", code)
	}
}
