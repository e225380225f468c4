package slack_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/slack/slacktest"
)

// crashTransport carries the Web API calls to the fake and, once armed,
// kills the job at the first conversations.create that Slack answers with
// a new channel: "cancel" lets the answer through and cancels the job's
// context (warroom shutting down before the job linked the channel);
// "lose" drops the answer (warroom died, or the network lost the
// response, after Slack created the channel and before its id was known).
type crashTransport struct {
	mu     sync.Mutex
	mode   string
	cancel context.CancelFunc
}

func (c *crashTransport) arm(mode string, cancel context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mode, c.cancel = mode, cancel
}

func (c *crashTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/conversations.create") {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mode == "" || !bytes.Contains(body, []byte(`"ok":true`)) {
		return res, nil
	}
	mode := c.mode
	c.mode = ""
	c.cancel()
	if mode == "lose" {
		return nil, errors.New("connection reset by peer")
	}
	return res, nil
}

// TestOpenIsIdempotentAcrossCrashes: the open job is killed right after
// Slack created the incident channel, then retried; exactly one channel
// exists for the incident, linked to it, with everyone invited and the
// card posted and pinned once.
func TestOpenIsIdempotentAcrossCrashes(t *testing.T) {
	cases := []struct {
		name    string
		mode    string
		foreign bool   // a channel someone else made already has the incident's name
		failure string // conversations.list fails with this
		invite  bool   // the first conversations.invite fails instead
		want    string // the channel linked in the end
		extra   int    // channels the bot made that are left over
		creates int    // conversations.create calls
		lists   int    // conversations.list calls
	}{
		{name: "first invite fails", invite: true, want: "inc-1-cache-stampede", creates: 1},
		{name: "cancelled after create", mode: "cancel", want: "inc-1-cache-stampede", creates: 1},
		{name: "answer lost", mode: "lose", want: "inc-1-cache-stampede", creates: 2, lists: 1},
		// Every name_taken is looked up (the first attempt's too: a channel
		// the bot made for this incident is adopted whoever asked for it).
		{name: "answer lost, name taken by a stranger", mode: "lose", foreign: true, want: "inc-1-cache-stampede-2", creates: 4, lists: 3},
		// Without channels:read the lost channel cannot be found: the
		// incident gets the next name (and the orphan is logged).
		{name: "answer lost, no listing scope", mode: "lose", failure: "missing_scope", want: "inc-1-cache-stampede-2", extra: 1, creates: 3, lists: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct := &crashTransport{}
			s := newStack(t, options{client: &http.Client{Transport: ct, Timeout: 10 * time.Second}})
			ctx := context.Background()
			if c.foreign {
				s.fake.AddChannel("CSTRANGER", "inc-1-cache-stampede")
			}
			if c.failure != "" {
				s.fake.Fail("conversations.list", slacktest.Failure{Error: c.failure})
			}
			if c.invite {
				s.fake.Fail("conversations.invite", slacktest.Failure{Error: "internal_error"})
			}
			if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Cache stampede", Actor: "U0ALICE"}); err != nil {
				t.Fatal(err)
			}
			jctx, cancel := context.WithCancel(ctx)
			defer cancel()
			ct.arm(c.mode, cancel)
			if err := s.app.Handlers()["slack.open"](jctx, bot.Job{ID: 9999, Kind: "slack.open", Incident: 1}); err == nil {
				t.Fatal("the first attempt succeeded; want it killed after conversations.create")
			}
			if inc, err := s.svc.Get(ctx, 1); err != nil || c.mode != "" && inc.Channels["slack"] != "" {
				t.Fatalf("after the crash: %v, channels %v", err, inc.Channels)
			}
			s.drain() // the retry: the open job the declaration enqueued

			ch := s.channel(1)
			if ch.Name != c.want {
				t.Errorf("linked channel %q, want %q", ch.Name, c.want)
			}
			var mine []string
			for _, x := range s.fake.Channels() {
				if x.Creator == slacktest.BotUserID {
					mine = append(mine, x.Name)
				}
			}
			if len(mine) != 1+c.extra {
				t.Errorf("the bot created channels %v, want %d", mine, 1+c.extra)
			}
			if c.foreign {
				if x, _ := s.fake.ChannelByName("inc-1-cache-stampede"); x.ID != "CSTRANGER" || len(x.Members) != 0 {
					t.Errorf("the stranger's channel was touched: %+v", x)
				}
			}
			for _, u := range []string{"U0ALICE", "U0RESP", "U0GROUP1", "U0GROUP2"} {
				if !slices.Contains(ch.Members, u) {
					t.Errorf("%s not invited: members %v", u, ch.Members)
				}
			}
			var cards, pinned int
			for _, m := range s.messages(ch.ID) {
				if strings.Contains(m.Text, "Cache stampede") {
					cards++
				}
				if m.Pinned {
					pinned++
				}
			}
			if cards != 1 || pinned != 1 || len(s.fake.Calls("pins.add")) != 1 {
				t.Errorf("cards %d, pinned %d, pins.add %d; want one each", cards, pinned, len(s.fake.Calls("pins.add")))
			}
			if n := len(s.messages(announceID)); n != 1 {
				t.Errorf("%d announcements, want 1", n)
			}
			if n := len(s.fake.Calls("conversations.create")); n != c.creates {
				t.Errorf("%d conversations.create calls, want %d", n, c.creates)
			}
			if n := len(s.fake.Calls("conversations.list")); n != c.lists {
				t.Errorf("%d conversations.list calls, want %d", n, c.lists)
			}
			if c.failure != "" && !strings.Contains(s.logs.String(), "groups:read") {
				t.Errorf("the missing scope was not logged:\n%s", s.logs)
			}
			// A later retry, or a card refresh, changes nothing.
			calls := len(s.fake.Calls("conversations.create"))
			if err := s.app.Handlers()["slack.open"](ctx, bot.Job{ID: 9998, Kind: "slack.open", Incident: 1}); err != nil {
				t.Fatal(err)
			}
			if n := len(s.fake.Calls("conversations.create")); n != calls {
				t.Errorf("a later open created again")
			}
		})
	}
}

// A channel the bot made for this incident (its topic names it) is adopted
// on name_taken even when no record says the name was asked for (the
// record was lost: a restored database, an older version).
func TestNameTakenByOurChannelForThisIncidentIsAdopted(t *testing.T) {
	ct := &crashTransport{}
	s := newStack(t, options{client: &http.Client{Transport: ct, Timeout: 10 * time.Second}})
	ctx := context.Background()
	if _, err := s.svc.Declare(ctx, bot.DeclareInput{Title: "Cache stampede", Actor: "U0ALICE"}); err != nil {
		t.Fatal(err)
	}
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ct.arm("lose", cancel)
	if err := s.app.Handlers()["slack.open"](jctx, bot.Job{ID: 9999, Kind: "slack.open", Incident: 1}); err == nil {
		t.Fatal("the first attempt succeeded; want it killed after conversations.create")
	}
	first, ok := s.fake.ChannelByName("inc-1-cache-stampede")
	if !ok {
		t.Fatal("no channel created")
	}
	s.fake.SetTopic(first.ID, "SEV2 INC-1 | triggered | commander none")
	// Forget the names asked for.
	if err := s.svc.SaveMessage(ctx, &bot.PostedMessage{Platform: "slack", Ref: "channel:INC-1", Incident: 1, Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	s.drain()
	if ch := s.channel(1); ch.ID != first.ID {
		t.Fatalf("linked %s (%s), want the bot's channel %s", ch.ID, ch.Name, first.ID)
	}
	if n := len(s.fake.Channels()); n != 2 { // the announcement channel and the incident's
		t.Fatalf("%d channels, want 2", n)
	}
}
