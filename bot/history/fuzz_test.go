package history_test

import (
	"bytes"
	"context"
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
