package history_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/history"
)

// countStore takes the imported incidents and checks each is whole.
type countStore struct{ t *testing.T }

func (s countStore) ImportIncidents(_ context.Context, next func() (*bot.Incident, error)) (int, int, error) {
	n := 0
	for {
		inc, err := next()
		if err != nil {
			return 0, 0, err
		}
		if inc == nil {
			return n, 0, nil
		}
		if inc.Number <= 0 || !inc.Severity.Valid() || inc.Title == "" {
			s.t.Fatalf("imported a broken incident %+v", inc)
		}
		n++
	}
}

// FuzzImport: `warroom import` reads any file, CSV or JSON, without a
// panic, and what it imports is whole.
func FuzzImport(f *testing.F) {
	f.Add([]byte("number,title,severity,status,started_at,declared_at\n1,Disk full,SEV2,resolved,2026-11-01T10:00:00Z,2026-11-01T10:05:00Z\n"), "csv")
	f.Add([]byte(`[{"number":1,"title":"x","severity":2,"status":"closed"}]`), "json")
	f.Add([]byte("number\n\"unterminated"), "csv")
	f.Add([]byte(`{`), "json")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		if format != "csv" && format != "json" {
			format = "csv"
		}
		_, _ = history.Import(context.Background(), countStore{t}, bytes.NewReader(data),
			history.ImportOptions{Name: "fuzz", Format: format, Now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)})
	})
}

// sink is a BundleStore that takes what an import writes and checks each
// row is whole.
type sink struct {
	t    *testing.T
	rows int
}

func (s *sink) ReadHistory(context.Context, func(bot.HistoryReader) error) error { return nil }

func (s *sink) WriteHistory(_ context.Context, fn func(bot.HistoryWriter) error) error {
	return fn(sinkWriter{s})
}

type sinkWriter struct{ s *sink }

func (w sinkWriter) put(ok bool, v any) error {
	if !ok {
		w.s.t.Fatalf("imported a broken row %+v", v)
	}
	w.s.rows++
	return nil
}
func (w sinkWriter) PutWindow(_ context.Context, v *bot.StoredWindow) error {
	return w.put(v.ID > 0 && !v.EndsAt.Before(v.StartsAt), v)
}
func (w sinkWriter) PutIncident(_ context.Context, v *bot.Incident) error {
	return w.put(v.Number > 0 && v.Severity.Valid() && v.Status.Valid() && v.Title != "", v)
}
func (w sinkWriter) PutEntry(_ context.Context, v *bot.Entry) error {
	return w.put(v.ID > 0 && v.Kind.Valid(), v)
}
func (w sinkWriter) PutAction(_ context.Context, v *bot.ActionItem) error {
	return w.put(v.ID > 0 && v.Seq > 0, v)
}
func (w sinkWriter) PutAlertGroup(_ context.Context, v *bot.AlertGroup) error {
	return w.put(v.Key != "" && v.Incident > 0, v)
}
func (w sinkWriter) PutAlert(_ context.Context, v *bot.StoredAlert) error {
	return w.put(v.ID > 0 && v.Source != "", v)
}
func (w sinkWriter) PutPostmortem(_ context.Context, v *bot.Postmortem) error {
	return w.put(v.Incident > 0 && v.Version > 0, v)
}
func (w sinkWriter) PutTimer(_ context.Context, v *bot.Timer) error {
	return w.put(v.ID > 0 && v.Kind != "", v)
}
func (w sinkWriter) PutAudit(_ context.Context, v *bot.AuditRecord) error {
	return w.put(v.ID > 0 && v.Action != "", v)
}

func (w sinkWriter) PutProblem(_ context.Context, v *bot.Problem) error {
	return w.put(v.Number > 0 && v.Title != "", v)
}
func (w sinkWriter) PutProblemLink(_ context.Context, v *bot.ProblemLink) error {
	return w.put(v.Problem > 0 && v.Incident > 0, v)
}
func (w sinkWriter) PutProblemAction(_ context.Context, v *bot.ProblemAction) error {
	return w.put(v.ID > 0 && v.Problem > 0 && v.Seq > 0, v)
}

// smallBundle holds one row of every section.
const smallBundle = `{"format":"warroom-bundle","version":1}
{"maintenance_window":{"id":1,"matchers":[{"name":"service","op":"=~","value":"db.*"}],"starts_at":"2026-11-22T12:00:00.5Z","ends_at":"2026-11-22T13:00:00Z","created_at":"2026-11-22T12:00:00Z","suppressed":1}}
{"incident":{"number":3,"title":"Disk full","source":"manual","severity":2,"status":"resolved","private":false,"started_at":"2026-11-22T12:00:00Z","declared_at":"2026-11-22T12:00:00.25Z","resolved_at":"2026-11-22T12:30:00Z","updated_at":"2026-11-22T12:30:00Z","version":3}}
{"timeline_entry":{"id":1,"incident":3,"at":"2026-11-22T12:00:00.25Z","kind":"declared","actor":"alice","text":"declared"}}
{"action_item":{"id":1,"incident":3,"seq":1,"title":"add disk","kind":"preventive","status":"open","created_at":"2026-11-22T12:00:00Z"}}
{"alert_group":{"key":"alertname=DiskFull","incident":3,"updated_at":"2026-11-22T12:00:00Z"}}
{"alert":{"id":1,"source":"alertmanager","fingerprint":"f","group_key":"g","status":"firing","title":"t","starts_at":"2026-11-22T12:00:00Z","window":1,"received_at":"2026-11-22T12:00:00Z"}}
{"postmortem":{"incident":3,"body":"# INC-3","generated_at":"2026-11-22T12:30:00Z","version":1}}
{"timer":{"id":1,"incident":3,"kind":"escalate","level":1,"due_at":"2026-11-22T12:05:00Z","created_at":"2026-11-22T12:00:00Z"}}
{"problem":{"number":2,"title":"Disks fill up","status":"known-error","root_cause":"no rotation","created_at":"2026-11-22T12:00:00Z","updated_at":"2026-11-22T12:10:00.5Z","version":2}}
{"problem_link":{"problem":2,"incident":3,"linked_at":"2026-11-22T12:10:00Z","linked_by":"alice"}}
{"problem_action":{"id":1,"problem":2,"seq":1,"title":"rotate logs","kind":"preventive","status":"open","created_at":"2026-11-22T12:10:00Z"}}
{"audit_record":{"id":1,"at":"2026-11-22T12:00:00Z","actor":"alice","action":"declare","incident":3,"after":{"status":"triggered"}}}
{"end":{"action_item":1,"alert":1,"alert_group":1,"audit_record":1,"incident":1,"maintenance_window":1,"postmortem":1,"problem":1,"problem_action":1,"problem_link":1,"timeline_entry":1,"timer":1}}
`

// FuzzImportBundle: `warroom import` reads any bundle without a panic;
// what it writes is whole, and it writes only a bundle it checked in full.
func FuzzImportBundle(f *testing.F) {
	f.Add([]byte(smallBundle))
	f.Add([]byte(smallBundle[:len(smallBundle)/2]))
	f.Add([]byte(`{"format":"warroom-bundle","version":1}` + "\n" + `{"end":{}}`))
	f.Add([]byte(`{"format":"warroom-bundle","version":2}`))
	f.Add([]byte("[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &sink{t: t}
		counts, err := history.ImportBundle(context.Background(), s, bytes.NewReader(data), history.BundleOptions{Name: "fuzz"})
		if err == nil && s.rows != counts.Total() {
			t.Fatalf("wrote %d rows, counted %d", s.rows, counts.Total())
		}
		if err != nil && s.rows != 0 && !strings.Contains(err.Error(), "nothing was imported") {
			t.Fatalf("a failed import wrote %d rows and says %v", s.rows, err)
		}
	})
}
