package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/console"
)

// sse is one server-sent event.
type sse struct{ name, id, data string }

// stream opens a server-sent events URL and returns a function that reads
// the next event's name.
func stream(t *testing.T, url string) func() string {
	t.Helper()
	next := streamEvents(t, url, "")
	return func() string { t.Helper(); return next().name }
}

// streamEvents opens a server-sent events URL, with a Last-Event-ID when
// lastID is not "", and returns a function that reads the next event.
func streamEvents(t *testing.T, url, lastID string) func() sse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
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
	return func() sse {
		t.Helper()
		var e sse
		for sc.Scan() {
			line := sc.Text()
			if line == "" && e.name != "" {
				return e
			}
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				e.name = v
			} else if v, ok := strings.CutPrefix(line, "id: "); ok {
				e.id = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				e.data = v
			}
		}
		t.Fatalf("the stream ended: %v", sc.Err())
		return e
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
	// A note adds to the timeline only: the stream carries the new entry,
	// rendered, for the page to append, and says which entry it was.
	if _, err := s.svc.AddNote(ctx, inc.Number, "bob", "looking at <the> graphs"); err != nil {
		t.Fatal(err)
	}
	if got := page(); got != "entries" {
		t.Errorf("the incident page's stream sent %q after a note, want entries", got)
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

// An incident page's stream sends only the entries the page has not seen:
// those after ?after=, or after Last-Event-ID when the browser reconnects.
func TestLiveTimelineIsIncremental(t *testing.T) {
	s := newStack(t, console.Config{Poll: 20 * time.Millisecond})
	srv := s.serve(t)
	ctx := context.Background()
	inc, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Checkout latency", Severity: bot.SEV2, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	tl, err := s.svc.Timeline(ctx, inc.Number)
	if err != nil || len(tl) == 0 {
		t.Fatalf("timeline %v %v", tl, err)
	}
	seen := strconv.FormatInt(tl[len(tl)-1].ID, 10)
	url := srv.URL + "/console/events?incident=" + inc.Key() + "&after=" + seen
	next := streamEvents(t, url, "")
	if e := next(); e.name != "ready" {
		t.Fatalf("first event %+v", e)
	}
	if _, err := s.svc.AddNote(ctx, inc.Number, "bob", "first <note>"); err != nil {
		t.Fatal(err)
	}
	e := next()
	id, body, _ := strings.Cut(e.data, " ")
	var html string
	if err := json.Unmarshal([]byte(body), &html); err != nil {
		t.Fatalf("entries data %q: %v", e.data, err)
	}
	if e.name != "entries" || e.id != id || !strings.Contains(html, "first &lt;note&gt;") || strings.Count(html, "<li") != 1 ||
		!strings.Contains(html, `data-id="`+id+`"`) {
		t.Fatalf("after a note: %+v", e)
	}
	// A second note, then a reconnect from the first: only the second.
	if _, err := s.svc.AddNote(ctx, inc.Number, "bob", "second note"); err != nil {
		t.Fatal(err)
	}
	if e := next(); e.name != "entries" || strings.Contains(e.data, "first") || !strings.Contains(e.data, "second note") {
		t.Fatalf("after the second note: %+v", e)
	}
	again := streamEvents(t, url, id)
	if e := again(); e.name != "ready" {
		t.Fatalf("reconnected: %+v", e)
	}
	if e := again(); e.name != "entries" || strings.Contains(e.data, "first") || !strings.Contains(e.data, "second note") {
		t.Fatalf("reconnected after the first note: %+v", e)
	}
	// A change to the incident itself: the page redraws.
	if _, err := s.svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if e := next(); e.name != "change" {
		t.Fatalf("after an acknowledgement: %+v", e)
	}
}
