package sqlite_test

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// An incident's channels column names a channel the naming rule makes
// from the incident's number and title by its platform alone ("@console",
// schema 45), and any other channel, or any channel of an incident whose
// title the rule does not read, in JSON as before; every reader gets the
// names back. A title edit that leaves the rule's name behind stores the
// name again. Undoing migration 45 writes the names out, which read the
// same, and so does migrating again.
func TestChannelNamesByRule(t *testing.T) {
	ctx := context.Background()
	path, s, svc := serviceStore(t)
	var err error
	link := func(title string, channels map[string]func(*bot.Incident) string) *bot.Incident {
		t.Helper()
		inc, err := svc.Declare(ctx, bot.DeclareInput{Title: title, Severity: bot.SEV3, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		// In platform order, so that the console link is each incident's first.
		for _, platform := range slices.Sorted(maps.Keys(channels)) {
			if inc, err = svc.LinkChannel(ctx, inc.Number, platform, channels[platform](inc)); err != nil {
				t.Fatal(err)
			}
		}
		return inc
	}
	ruled := func(inc *bot.Incident) string { return bot.ChannelName(inc) }
	named := func(string) func(*bot.Incident) string {
		return func(*bot.Incident) string { return "war-room" }
	}
	secured := func(inc *bot.Incident) string { return "sec" + bot.ChannelName(inc)[len("inc"):] }
	incs := []*bot.Incident{
		link("Checkout latency above SLO", map[string]func(*bot.Incident) string{"console": ruled, "slack": ruled}),
		link("Payments: 50% errors (EU)", map[string]func(*bot.Incident) string{"console": ruled, "discord": secured}),
		link("Login down", map[string]func(*bot.Incident) string{"console": ruled, "slack": named("war-room")}),
		link("Dépôt en panne", map[string]func(*bot.Incident) string{"console": ruled}),
		link("Nothing linked", nil),
	}
	want := []string{"@console,slack", "@console,discord=sec", "", "", "null"}
	for i, inc := range incs {
		var stored string
		if err := s.DB().QueryRowContext(ctx, `SELECT channels FROM incidents WHERE number = $1`, inc.Number).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if w := want[i]; (w != "" && stored != w) || (w == "" && stored[0] != '{') {
			t.Errorf("%s (%q) stores channels %s, want %s (JSON where empty)", inc.Key(), inc.Title, stored, w)
		}
	}
	if incs[0].Channels["console"] != "inc-1-checkout-latency-above-slo" || incs[1].Channels["discord"] != "sec-2-payments-50-errors-eu" {
		t.Fatalf("the service linked %v and %v", incs[0].Channels, incs[1].Channels)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, 3, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, bot.Cause{}, 3, "bob", "rolled back"); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx bot.Tx) error {
		return tx.AddEntry(ctx, &bot.Entry{Incident: 3, At: time.Now().UTC().Truncate(time.Microsecond), Kind: bot.EntryPostmortem,
			Actor: "warroom", Text: "Postmortem draft v1 generated", Data: map[string]string{"version": "1"}})
	}); err != nil {
		t.Fatal(err)
	}
	var statuses string
	if err := s.DB().QueryRowContext(ctx, `SELECT json_group_array(data) FROM timeline WHERE kind IN ('acknowledged', 'resolved') AND incident = 3`).Scan(&statuses); err != nil {
		t.Fatal(err)
	}
	if statuses != `["@triggered","@acknowledged rolled back"]` {
		t.Errorf("INC-3's acknowledgement and resolution store data %s", statuses)
	}
	var linkData string
	if err := s.DB().QueryRowContext(ctx, `SELECT data FROM timeline WHERE kind = 'postmortem' AND incident = 3`).Scan(&linkData); err != nil {
		t.Fatal(err)
	}
	if linkData != "@1" {
		t.Errorf("INC-3's postmortem draft entry stores data %q, want @1", linkData)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT data FROM timeline WHERE kind = 'channel_linked' AND incident = 3 ORDER BY id LIMIT 1`).Scan(&linkData); err != nil {
		t.Fatal(err)
	}
	if linkData != "@console inc-3-login-down" {
		t.Errorf("INC-3's first link entry stores data %q, want @console inc-3-login-down", linkData)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT data FROM timeline WHERE kind = 'declared' AND incident = 3`).Scan(&linkData); err != nil {
		t.Fatal(err)
	}
	if linkData != "@SEV3 manual" {
		t.Errorf("INC-3's declaration stores data %q, want @SEV3 manual", linkData)
	}
	entries := map[int64][]bot.Entry{}
	for _, inc := range incs {
		entries[inc.Number], _, _ = records(t, s, inc.Number)
	}
	if e := entries[3][1]; e.Kind != bot.EntryChannelLinked || e.Text != "console channel inc-3-login-down" ||
		!reflect.DeepEqual(e.Data, map[string]string{"platform": "console", "channel": "inc-3-login-down"}) {
		t.Errorf("INC-3's link entry reads %+v", e)
	}
	check := func(when string, st *sqlite.Store) {
		t.Helper()
		for _, inc := range incs {
			if tl, _, _ := records(t, st, inc.Number); !reflect.DeepEqual(tl, entries[inc.Number]) {
				t.Errorf("%s: %s's timeline reads %+v, want %+v", when, inc.Key(), tl, entries[inc.Number])
			}
		}
		for _, inc := range incs {
			got, err := st.Incident(ctx, inc.Number)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Channels, inc.Channels) {
				t.Errorf("%s: %s reads channels %v, want %v", when, inc.Key(), got.Channels, inc.Channels)
			}
			for platform, channel := range inc.Channels {
				by, err := st.IncidentByChannel(ctx, platform, channel)
				if err != nil || by.Number != inc.Number || !reflect.DeepEqual(by.Channels, inc.Channels) {
					t.Errorf("%s: %s channel %s reads %+v, %v", when, platform, channel, by, err)
				}
			}
		}
		list, err := st.Incidents(ctx, bot.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var bundled []*bot.Incident
		if err := st.ReadHistory(ctx, func(r bot.HistoryReader) error {
			return r.EachIncident(ctx, func(inc *bot.Incident) error {
				bundled = append(bundled, inc)
				return nil
			})
		}); err != nil {
			t.Fatal(err)
		}
		for i, inc := range incs {
			if l := list[len(list)-1-i]; !reflect.DeepEqual(l.Channels, inc.Channels) {
				t.Errorf("%s: the list reads %s's channels %v, want %v", when, inc.Key(), l.Channels, inc.Channels)
			}
			if b := bundled[i]; !reflect.DeepEqual(b.Channels, inc.Channels) {
				t.Errorf("%s: the history reader reads %s's channels %v, want %v", when, inc.Key(), b.Channels, inc.Channels)
			}
		}
	}
	check("stored by the rule", s)

	// A new title: the channel keeps its name, which the rule no longer makes.
	if incs[0], err = svc.SetField(ctx, incs[0].Number, "alice", bot.FieldTitle, "Checkout slow"); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := s.DB().QueryRowContext(ctx, `SELECT channels FROM incidents WHERE number = 1`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != `{"console":"inc-1-checkout-latency-above-slo","slack":"inc-1-checkout-latency-above-slo"}` {
		t.Errorf("after a new title INC-1 stores channels %s", stored)
	}
	entries[1], _, _ = records(t, s, 1)
	check("after a new title", s)

	s.Close()
	storetest.ExecAll(t, "sqlite", path, storetest.UndoFrom(undo, 45)...)
	var undone map[string]string
	s2 := reopener(t, path)().(*sqlite.Store) // migrates again: the rows stay as they are
	if err := s2.DB().QueryRowContext(ctx, `SELECT channels FROM incidents WHERE number = 2`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(stored), &undone); err != nil || !reflect.DeepEqual(undone, incs[1].Channels) {
		t.Errorf("after undoing migration 45 INC-2 stores channels %s", stored)
	}
	if err := s2.DB().QueryRowContext(ctx, `SELECT data FROM timeline WHERE kind = 'channel_linked' AND incident = 3 ORDER BY id LIMIT 1`).Scan(&linkData); err != nil {
		t.Fatal(err)
	}
	if linkData != `{"channel":"inc-3-login-down","platform":"console"}` {
		t.Errorf("after undoing migration 45 INC-3's link entry stores data %s", linkData)
	}
	check("undone and migrated again", s2)
}

// serviceStore opens a store on a new file, closed when the test ends
// (closing it twice is harmless), and a Service on it.
func serviceStore(t *testing.T) (string, *sqlite.Store, *bot.Service) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return path, s, svc
}
