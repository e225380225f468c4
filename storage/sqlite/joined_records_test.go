package sqlite_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// A channel link's record joins its entry's row without the channel name
// a second time (its after column is "@c"), a declaration's without the
// severity and title its entry holds ("@d" and the rest), and both read
// back with their after images; the history bundle's reader gives the same
// records. Undoing migration 40 writes the images out whole, which read
// the same.
func TestJoinedRecordsStoreNamesOnce(t *testing.T) {
	ctx := context.Background()
	path, s, svc := serviceStore(t)
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: `Checkout "down": 50% <errors>`, Severity: bot.SEV2, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	const channel = `inc-1-checkout-"down"`
	var after0 string
	if _, err := svc.LinkChannel(ctx, inc.Number, "slack", channel); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Ack(ctx, bot.Cause{}, inc.Number, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, bot.Cause{}, inc.Number, "bob", "rolled back"); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	if err := s.DB().QueryRowContext(ctx, `SELECT json_group_array(after) FROM timeline WHERE action = 'status' OR action = 'resolve'`).Scan(&after0); err != nil {
		t.Fatal(err)
	}
	if after0 != `["@s","@s"]` {
		t.Errorf("the acknowledgement's and resolution's records store after %s, want @s each", after0)
	}
	var after string
	if err := s.DB().QueryRowContext(ctx, `SELECT after FROM timeline WHERE action = 'link_channel'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != "@c" {
		t.Errorf("the link's record stores after %q, want @c", after)
	}
	var declared string
	if err := s.DB().QueryRowContext(ctx, `SELECT after FROM timeline WHERE action = 'declare'`).Scan(&declared); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(declared, "@d{") || strings.Contains(declared, "Checkout") || strings.Contains(declared, "SEV2") {
		t.Errorf("the declaration's record stores after %q", declared)
	}
	_, of, all := records(t, s, inc.Number)
	var link, decl *bot.AuditRecord
	for i := range of {
		switch of[i].Action {
		case "link_channel":
			link = &of[i]
		case "declare":
			decl = &of[i]
		}
	}
	for _, a := range of {
		if st, ok := a.After["status"].(string); ok && (a.Action == "status" || a.Action == "resolve") {
			statuses = append(statuses, st)
		}
	}
	if !reflect.DeepEqual(statuses, []string{"acknowledged", "resolved"}) {
		t.Errorf("the records set statuses %v, want acknowledged and resolved", statuses)
	}
	if link == nil || decl == nil {
		t.Fatalf("no link_channel or declare record in %+v", of)
	}
	if decl.After["title"] != inc.Title || decl.After["severity"] != "SEV2" || decl.After["status"] != "triggered" {
		t.Errorf("the declaration's record reads after %#v", decl.After)
	}
	want := map[string]any{"channel.slack": channel}
	if !reflect.DeepEqual(link.After, want) || link.Before == nil || len(link.Before) != 0 {
		t.Errorf("the link's record reads before %#v after %#v, want {} and %#v", link.Before, link.After, want)
	}
	if !reflect.DeepEqual(all[len(all)-len(of):], of) {
		t.Errorf("every record ends %+v, want the incident's %+v", all, of)
	}
	var bundled []*bot.AuditRecord
	if err := s.ReadHistory(ctx, func(r bot.HistoryReader) error {
		return r.EachAudit(ctx, time.Time{}, func(a *bot.AuditRecord) error {
			bundled = append(bundled, a)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, a := range bundled {
		if (a.ID == link.ID && reflect.DeepEqual(*a, *link)) || (a.ID == decl.ID && reflect.DeepEqual(*a, *decl)) {
			found++
		}
	}
	if found != 2 {
		t.Errorf("the history reader's records %+v hold not both of %+v and %+v", bundled, *link, *decl)
	}

	s.Close()
	storetest.ExecAll(t, "sqlite", path, storetest.UndoFrom(undo, 40)...)
	s2 := reopener(t, path)()
	if _, of2, _ := records(t, s2, inc.Number); !reflect.DeepEqual(of2, of) {
		t.Errorf("after undoing migration 40 the records read %+v, want %+v", of2, of)
	}
	if err := s2.(*sqlite.Store).DB().QueryRowContext(ctx, `SELECT after FROM timeline WHERE action = 'link_channel'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != `{"channel.slack":"inc-1-checkout-\"down\""}` {
		t.Errorf("after undoing migration 40 the link's record stores %s", after)
	}
	if err := s2.(*sqlite.Store).DB().QueryRowContext(ctx, `SELECT after FROM timeline WHERE action = 'declare'`).Scan(&declared); err != nil {
		t.Fatal(err)
	}
	if declared[0] != '{' {
		t.Errorf("after undoing migration 40 the declaration's record stores %s", declared)
	}
}
