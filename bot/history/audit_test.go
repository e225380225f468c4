package history_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/history"
)

func TestExportAudit(t *testing.T) {
	store := openSQLite(t)
	generated(t, store)
	all, err := store.Audit(t.Context(), bot.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	since := all[len(all)/2].At
	var want []bot.AuditRecord
	for _, a := range all {
		if !a.At.Before(since) {
			want = append(want, a)
		}
	}

	var js bytes.Buffer
	n, err := history.ExportAudit(t.Context(), store, &js, history.AuditOptions{Format: "json", Since: since})
	if err != nil || n != len(want) {
		t.Fatalf("export = %d, %v; want %d records", n, err, len(want))
	}
	var recs []map[string]any
	if err := json.Unmarshal(js.Bytes(), &recs); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	for i, r := range recs {
		w := want[i]
		if r["id"] != float64(w.ID) || r["actor"] != w.Actor || r["action"] != w.Action || r["at"] != history.FormatTime(w.At) {
			t.Errorf("record %d = %v, want %+v", i, r, w)
		}
		if inc := r["incident"]; (w.Incident == 0) != (inc == nil) || (inc != nil && inc != bot.FormatKey(w.Incident)) {
			t.Errorf("record %d incident = %v, want %d", i, inc, w.Incident)
		}
		if after, ok := r["after"].(map[string]any); len(w.After) > 0 && (!ok || len(after) != len(w.After)) {
			t.Errorf("record %d after = %#v, want the object %v", i, r["after"], w.After)
		}
	}
	if !strings.Contains(js.String(), `.`) || !slices.ContainsFunc(recs, func(r map[string]any) bool { return r["before"] != nil }) {
		t.Errorf("no record with a before image or a sub-second time:\n%s", js.String())
	}

	var c bytes.Buffer
	if _, err := history.ExportAudit(t.Context(), store, &c, history.AuditOptions{Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(all)+1 || strings.Join(rows[0], ",") != strings.Join(history.AuditColumns(), ",") {
		t.Fatalf("csv has %d rows, header %v; want %d", len(rows), rows[0], len(all)+1)
	}
	if first := rows[1]; first[0] != "1" || first[1] != history.FormatTime(all[0].At) || first[3] != all[0].Action {
		t.Errorf("first csv row = %v, want %+v", first, all[0])
	}
	if _, err := history.ExportAudit(t.Context(), store, &c, history.AuditOptions{Format: "xml"}); err == nil {
		t.Error("export as xml: no error")
	}
}

// progress records the calls of a history.Progress.
type progress struct{ calls []string }

func (p *progress) fn(phase string, done, total int, final bool) {
	if final {
		p.calls = append(p.calls, fmt.Sprintf("%s %d/%d", phase, done, total))
	}
}

func TestBundleProgress(t *testing.T) {
	src := openSQLite(t)
	generated(t, src)
	var p progress
	var out bytes.Buffer
	counts, err := history.ExportBundle(t.Context(), src, &out, history.BundleOptions{Progress: p.fn})
	if err != nil {
		t.Fatal(err)
	}
	n := counts.Total()
	if _, err := history.ImportBundle(t.Context(), openSQLite(t), bytes.NewReader(out.Bytes()), history.BundleOptions{Progress: p.fn}); err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprintf("exported %d/%d", n, n), fmt.Sprintf("checked %d/0", n), fmt.Sprintf("imported %d/%d", n, n)}
	if !slices.Equal(p.calls, want) {
		t.Errorf("progress = %q, want %q", p.calls, want)
	}
}
