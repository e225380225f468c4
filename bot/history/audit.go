package history

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
)

// auditColumns are the audit export's columns, in order. actor is who
// made the change: a person, `token:NAME` for a named API token, or
// warroom itself; before and after are JSON objects of the fields that
// changed.
var auditColumns = []string{"id", "at", "actor", "action", "incident", "before", "after"}

var auditKinds = map[string]string{"id": "number", "before": "json", "after": "json"}

// AuditColumns returns the audit export's columns, in order.
func AuditColumns() []string { return append([]string(nil), auditColumns...) }

// AuditOptions say what ExportAudit writes.
type AuditOptions struct {
	Format   string    // "csv" or "json"
	Since    time.Time // only records made at or after it; zero: all
	Progress Progress  // nil: none
}

// ExportAudit writes the audit records made since o.Since, oldest first,
// from one snapshot, and returns how many it wrote.
func ExportAudit(ctx context.Context, store bot.BundleStore, out io.Writer, o AuditOptions) (int, error) {
	bw := bufio.NewWriterSize(out, 256<<10)
	w, err := newWriter(bw, o.Format, auditColumns, auditKinds)
	if err != nil {
		return 0, err
	}
	err = store.ReadHistory(ctx, func(r bot.HistoryReader) error {
		return r.EachAudit(ctx, o.Since, func(a *bot.AuditRecord) error {
			rec, err := auditRow(a)
			if err != nil {
				return err
			}
			if err := w.write(rec); err != nil {
				return err
			}
			o.Progress.report("exported", w.n, 0, false)
			return ctx.Err()
		})
	})
	if err != nil {
		return w.n, err
	}
	if err := w.close(); err != nil {
		return w.n, err
	}
	o.Progress.report("exported", w.n, w.n, true)
	return w.n, bw.Flush()
}

func auditRow(a *bot.AuditRecord) (row, error) {
	r := row{"id": strconv.FormatInt(a.ID, 10), "at": FormatTime(a.At), "actor": a.Actor, "action": a.Action}
	if a.Incident != 0 {
		r["incident"] = bot.FormatKey(a.Incident)
	}
	for col, m := range map[string]map[string]any{"before": a.Before, "after": a.After} {
		if len(m) == 0 {
			continue
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		r[col] = string(b)
	}
	return r, nil
}
