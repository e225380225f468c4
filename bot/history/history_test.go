package history_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/history"
	"github.com/warroom/warroom/internal/testkit"
)

// now is the tests' "now": INC-12 has been open for longer than its
// resolve target by then.
var now = time.Date(2026, 1, 20, 12, 0, 0, 0, time.UTC)

// sample is an import in the shape another tool writes: a subset of the
// columns, mixed time layouts, a formula in a title, a commander with @.
const sample = `key,title,severity,status,service,source,started_at,declared_at,acknowledged_at,mitigated_at,resolved_at,closed_at,commander,jira,jira_url,pagerduty
INC-7,Checkout latency,SEV2,closed,checkout,alertmanager,2026-01-05T09:58:00.5Z,2026-01-05T10:00:00.25Z,2026-01-05T10:04:00.123456Z,2026-01-05T10:30:00Z,2026-01-05T11:00:00Z,2026-01-06T10:00:00Z,@alice,OPS-1,https://jira.example/browse/OPS-1,
INC-3,"=HYPERLINK(""http://evil"")",SEV4,resolved,search,,,2026-01-02 08:00,2026-01-02 09:00,,2026-01-03 08:00,,,,,
INC-12,Disk full,SEV3,investigating,db,,,2026-01-08T00:00:00Z,2026-01-08T00:30:00Z,,,,bob,,,P123
`

// store is an in-memory ExportStore and ImportStore.
type store struct {
	incidents map[int64]*bot.Incident
	windows   []bot.MaintenanceWindow
	imports   int // calls of ImportIncidents
}

func newStore() *store { return &store{incidents: map[int64]*bot.Incident{}} }

func (s *store) ExportIncidents(_ context.Context, since time.Time, fn func(*bot.Incident) error) error {
	var nums []int64
	for n, inc := range s.incidents {
		if !inc.DeclaredAt.Before(since) {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		if err := fn(s.incidents[n]); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) MaintenanceWindows(context.Context, bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error) {
	return s.windows, nil
}

func (s *store) ImportIncidents(_ context.Context, next func() (*bot.Incident, error)) (created, updated int, err error) {
	s.imports++
	got := map[int64]*bot.Incident{}
	for {
		inc, err := next()
		if err != nil {
			return 0, 0, err
		}
		if inc == nil {
			break
		}
		got[inc.Number] = inc
	}
	for n, inc := range got {
		if _, ok := s.incidents[n]; ok {
			updated++
		} else {
			created++
		}
		s.incidents[n] = inc
	}
	return created, updated, nil
}

func importString(t *testing.T, s *store, format, text string) (history.Result, string, error) {
	t.Helper()
	var report bytes.Buffer
	res, err := history.Import(t.Context(), s, strings.NewReader(text),
		history.ImportOptions{Name: "history." + format, Format: format, Now: now, Report: &report})
	return res, report.String(), err
}

func export(t *testing.T, s *store, o history.ExportOptions) string {
	t.Helper()
	var out bytes.Buffer
	if o.Now.IsZero() {
		o.Now = now
	}
	if _, err := history.Export(t.Context(), s, &out, o); err != nil {
		t.Fatalf("export %s: %v", o.Format, err)
	}
	return out.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), []byte(got))
}

func TestExportGolden(t *testing.T) {
	s := newStore()
	if res, report, err := importString(t, s, "csv", sample); err != nil || res != (history.Result{Created: 3}) {
		t.Fatalf("import = %+v, %v\n%s", res, err, report)
	}
	// A maintenance window on the checkout service covers INC-7's declare.
	s.windows = []bot.MaintenanceWindow{{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "checkout"}},
		StartsAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC),
	}}
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			out := export(t, s, history.ExportOptions{Format: format})
			golden(t, "export."+format, out)

			// The export imports again unchanged: the formula restored,
			// the computed columns ignored, the same bytes out.
			again := newStore()
			again.windows = s.windows
			if res, report, err := importString(t, again, format, out); err != nil || res != (history.Result{Created: 3}) {
				t.Fatalf("re-import = %+v, %v\n%s", res, err, report)
			}
			if got := export(t, again, history.ExportOptions{Format: format}); got != out {
				t.Errorf("export after re-import differs:\n%s\nwas\n%s", got, out)
			}
		})
	}
	if title := s.incidents[3].Title; title != `=HYPERLINK("http://evil")` {
		t.Errorf("INC-3 title = %q, want the formula as typed (stored as data)", title)
	}
}

// legacyJSON is a JSON export of the earlier all-strings format: it
// imports as the typed one does.
const legacyJSON = `[
{"ack_sla":"met","acknowledged_at":"2026-01-05T10:04:00Z","closed_at":"","commander":"alice","declared_at":"2026-01-05T10:00:00Z","impact":"","in_maintenance":"true","key":"INC-7","mitigated_at":"","resolve_sla":"met","resolved_at":"2026-01-05T11:00:00Z","service":"checkout","severity":"SEV2","source":"alertmanager","started_at":"2026-01-05T09:58:00Z","status":"resolved","summary":"","time_to_acknowledge_s":"240","time_to_detect_s":"120","time_to_resolve_s":"3600","title":"Checkout latency"}
]`

func TestExportIsTyped(t *testing.T) {
	s := newStore()
	if _, report, err := importString(t, s, "csv", sample); err != nil {
		t.Fatalf("import: %v\n%s", err, report)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(export(t, s, history.ExportOptions{Format: "json"})), &rows); err != nil {
		t.Fatal(err)
	}
	inc7 := rows[1]
	for col, want := range map[string]any{
		"key": "INC-7", "time_to_acknowledge_s": 240.0, "time_to_detect_s": 120.0, "in_maintenance": false,
		"summary": nil, "acknowledged_at": "2026-01-05T10:04:00.123456Z", "declared_at": "2026-01-05T10:00:00.25Z",
	} {
		if got, ok := inc7[col]; !ok || got != want {
			t.Errorf("INC-7 %s = %#v (present %v), want %#v", col, got, ok, want)
		}
	}
	if got := rows[2]["time_to_resolve_s"]; got != nil {
		t.Errorf("an open incident's time_to_resolve_s = %#v, want null", got)
	}

	legacy := newStore()
	if res, report, err := importString(t, legacy, "json", legacyJSON); err != nil || res != (history.Result{Created: 1}) {
		t.Fatalf("import of an all-strings JSON export = %+v, %v\n%s", res, err, report)
	}
	if inc := legacy.incidents[7]; inc.Commander() != "alice" || inc.ResolvedAt == nil || inc.Status != bot.StatusResolved {
		t.Errorf("all-strings import gave %+v", inc)
	}
}

func TestExportSinceAndFormat(t *testing.T) {
	s := newStore()
	if _, report, err := importString(t, s, "csv", sample); err != nil {
		t.Fatalf("import: %v\n%s", err, report)
	}
	out := export(t, s, history.ExportOptions{Format: "json", Since: time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)})
	if !strings.HasPrefix(out, "[\n{") || strings.Count(out, `"key":`) != 2 || strings.Contains(out, "INC-3") {
		t.Errorf("export since Jan 4:\n%s", out)
	}
	if got := export(t, newStore(), history.ExportOptions{Format: "json"}); got != "[\n]\n" {
		t.Errorf("empty JSON export = %q", got)
	}
	if got := export(t, newStore(), history.ExportOptions{Format: "csv"}); got != strings.Join(history.Columns(), ",")+"\n" {
		t.Errorf("empty CSV export = %q", got)
	}
	if _, err := history.Export(t.Context(), s, &bytes.Buffer{}, history.ExportOptions{Format: "xml"}); err == nil || !strings.Contains(err.Error(), `format "xml" is not csv or json`) {
		t.Errorf("export as xml: %v", err)
	}
}

func TestImportReportsEveryWrongRow(t *testing.T) {
	for _, tc := range []struct {
		name, format, text string
		want               []string // in the report
		err                string
	}{
		{
			name: "csv rows", format: "csv",
			text: `key,title,severity,status,declared_at,resolved_at
INC-1,Fine,SEV2,resolved,2026-01-05T10:00:00Z,2026-01-05T11:00:00Z
INC-2,,SEV9,resolved,2026-01-05T10:00:00Z,
42x,Bad key,SEV1,triggered,yesterday,
INC-1,Again,SEV3,triggered,2026-01-05T10:00:00Z,
INC-5,Early,SEV3,resolved,2026-01-05T10:00:00Z,2026-01-04T10:00:00Z
`,
			want: []string{
				"line 3: title: required; severity: \"SEV9\" is not one of SEV1, SEV2, SEV3, SEV4; resolved_at: required for a resolved incident\n",
				"line 4: key: \"42x\" is not an incident key like INC-42; declared_at: \"yesterday\" is not a time",
				"line 5: key: INC-1 appears twice (first at line 2)\n",
				"line 6: resolved_at: before declared_at\n",
			},
			err: "history.csv: 4 of 5 rows are wrong; nothing was imported",
		},
		{
			name: "status rules", format: "csv",
			text: `key,title,severity,status,declared_at,started_at,acknowledged_at,resolved_at,closed_at
INC-1,A,SEV2,closed,2026-01-05T10:00:00Z,,,2026-01-05T11:00:00Z,
INC-2,B,SEV2,investigating,2026-01-05T10:00:00Z,,2026-01-05T10:01:00Z,2026-01-05T11:00:00Z,
INC-3,C,SEV2,nope,2026-01-05T10:00:00Z,2026-01-05T10:30:00Z,,,
`,
			want: []string{
				"line 2: closed_at: required for a closed incident\n",
				"line 3: resolved_at: set on an incident that is investigating\n",
				"line 4: status: \"nope\" is not a status like resolved; started_at: after declared_at\n",
			},
			err: "history.csv: 3 of 3 rows are wrong; nothing was imported",
		},
		{
			name: "json records", format: "json",
			text: `[{"key":"INC-1","title":"A","severity":"SEV2","status":"resolved","declared_at":"2026-01-05T10:00:00Z","resolved_at":"2026-01-05T11:00:00Z"},
{"key":"INC-2","title":["A"]},
{"key":"INC-3",`,
			want: []string{
				"record 2: title: want a string\n",
				"record 3: not a JSON object: ",
			},
			err: "history.json: 2 of 3 rows are wrong; nothing was imported",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore()
			_, report, err := importString(t, s, tc.format, tc.text)
			if err == nil || err.Error() != tc.err {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
			for _, w := range tc.want {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
			if s.imports != 0 || len(s.incidents) != 0 {
				t.Errorf("a file with errors reached the store: %d calls, %d incidents", s.imports, len(s.incidents))
			}
		})
	}
}

func TestImportReportsTheFirst50(t *testing.T) {
	var b strings.Builder
	b.WriteString("key,title\n")
	for range 60 {
		b.WriteString("x,\n")
	}
	_, report, err := importString(t, newStore(), "csv", b.String())
	if err == nil || !strings.Contains(err.Error(), "60 of 60 rows are wrong") {
		t.Errorf("err = %v", err)
	}
	if n := strings.Count(report, "\n"); n != 51 || !strings.HasSuffix(report, "… and 10 more rows with errors\n") {
		t.Errorf("report has %d lines:\n%s", n, report)
	}
}

func TestImportRefusesTheFile(t *testing.T) {
	for _, tc := range []struct{ format, text, err string }{
		{"csv", "", "line 1: read the header: EOF"},
		{"csv", "key,colour\n", `line 1: unknown column "colour" (columns: key, title,`},
		{"csv", "\ufeffKey ,title\n", "history.csv holds no incidents"},
		{"json", `{"key":"INC-1"}`, "a JSON import is an array of objects"},
		{"json", "[]", "history.json holds no incidents"},
	} {
		_, _, err := importString(t, newStore(), tc.format, tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s %q: err = %v, want %q", tc.format, tc.text, err, tc.err)
		}
	}
}

func TestImportStopsWithTheStore(t *testing.T) {
	s := &failing{err: errors.New("disk full")}
	if _, err := history.Import(t.Context(), s, strings.NewReader(sample), history.ImportOptions{Format: "csv", Now: now}); !errors.Is(err, s.err) {
		t.Errorf("err = %v, want the store's", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := history.Import(ctx, newStore(), strings.NewReader(sample), history.ImportOptions{Format: "csv", Now: now}); !errors.Is(err, context.Canceled) {
		t.Errorf("import with a cancelled context: %v", err)
	}
}

// failing is an ImportStore that fails after reading every incident.
type failing struct{ err error }

func (f *failing) ImportIncidents(_ context.Context, next func() (*bot.Incident, error)) (int, int, error) {
	for {
		inc, err := next()
		if err != nil || inc == nil {
			return 0, 0, errors.Join(err, f.err)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-05-04T09:30:00Z", want},
		{"2026-05-04T11:30:00+02:00", want},
		{"2026-05-04T09:30:00.0000001Z", want},
		{"2026-05-04T09:30:00", want},
		{"2026-05-04 09:30:00", want},
		{"2026-05-04 09:30", want},
		{"2026-05-04", time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := history.ParseTime(tc.in)
		if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := history.ParseTime("yesterday"); err == nil || err.Error() != `"yesterday" is not a time like 2026-05-04T09:30:00Z` {
		t.Errorf("ParseTime(yesterday) = %v", err)
	}
}

// TestExportNamesTheCommander: the commander_name column carries the
// commander's display name next to the id, when known; import ignores it.
func TestExportNamesTheCommander(t *testing.T) {
	s := newStore()
	if _, report, err := importString(t, s, "csv", sample); err != nil {
		t.Fatalf("import: %v\n%s", err, report)
	}
	names := map[string]string{"alice": "Alice Smith"}
	out := export(t, s, history.ExportOptions{Format: "csv", Names: func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}})
	if !strings.Contains(out, ",alice,Alice Smith,") || strings.Contains(out, ",bob,bob,") {
		t.Errorf("export:\n%s", out)
	}
	again := newStore()
	if res, report, err := importString(t, again, "csv", out); err != nil || res != (history.Result{Created: 3}) {
		t.Fatalf("re-import = %+v, %v\n%s", res, err, report)
	}
}
