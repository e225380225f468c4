package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/storage/sqlite"
	"github.com/warroom/warroom/storage/storetest"
)

// A channel link's record joins its entry's row without the channel name
// a second time (its after column is "@c"), and reads back with its after
// image; the history bundle's reader gives the same record. Undoing
// migration 40 writes the image out whole, which reads the same.
func TestChannelLinkRecordStoresNameOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := sqlite.Open(ctx, sqlite.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc, err := bot.NewService(bot.Config{}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "Checkout down", Severity: bot.SEV2, Actor: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	const channel = `inc-1-checkout-"down"`
	if _, err := svc.LinkChannel(ctx, inc.Number, "slack", channel); err != nil {
		t.Fatal(err)
	}
	var after string
	if err := s.DB().QueryRowContext(ctx, `SELECT after FROM timeline WHERE action = 'link_channel'`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != "@c" {
		t.Errorf("the link's record stores after %q, want @c", after)
	}
	_, of, all := records(t, s, inc.Number)
	var link *bot.AuditRecord
	for i := range of {
		if of[i].Action == "link_channel" {
			link = &of[i]
		}
	}
	if link == nil {
		t.Fatalf("no link_channel record in %+v", of)
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
	found := false
	for _, a := range bundled {
		if a.ID == link.ID {
			found = reflect.DeepEqual(*a, *link)
		}
	}
	if !found {
		t.Errorf("the history reader's records %+v hold no %+v", bundled, *link)
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
}
