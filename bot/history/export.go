package history

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/warroom/warroom/bot"
)

// ExportStore is what Export reads: the incidents, streamed, and the
// maintenance windows that mark them in_maintenance.
type ExportStore interface {
	// ExportIncidents calls fn for every incident declared at or after
	// since (zero: all), by number.
	ExportIncidents(ctx context.Context, since time.Time, fn func(inc *bot.Incident) error) error
	MaintenanceWindows(ctx context.Context, f bot.MaintenanceFilter) ([]bot.MaintenanceWindow, error)
}

// ExportOptions say what Export writes.
type ExportOptions struct {
	Format string    // "csv" or "json"
	Since  time.Time // only incidents declared at or after it; zero: all
	// Now is the time SLA outcomes of open incidents are judged at.
	Now      time.Time
	SLAs     map[bot.Severity]bot.SLA // nil: bot.DefaultSLAs
	Progress Progress                 // nil: none
	// Names gives a chat user's display name (bot.Names.Name) for the
	// commander_name column; nil leaves it empty.
	Names func(id string) string
	// Fields are the custom fields, each a column field.NAME after the
	// fixed ones.
	Fields []bot.FieldDef
}

// Export writes every incident declared since o.Since to out, one row
// each with its KPI columns, and returns how many it wrote.
func Export(ctx context.Context, store ExportStore, out io.Writer, o ExportOptions) (int, error) {
	slas := o.SLAs
	if slas == nil {
		slas = bot.DefaultSLAs()
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	cols, kinds := exportColumns(o.Fields)
	w, err := newWriter(bw, o.Format, cols, kinds)
	if err != nil {
		return 0, err
	}
	windows, err := store.MaintenanceWindows(ctx, bot.MaintenanceFilter{From: o.Since, To: o.Now.Add(time.Hour)})
	if err != nil {
		return 0, fmt.Errorf("list maintenance windows: %w", err)
	}
	err = store.ExportIncidents(ctx, o.Since, func(inc *bot.Incident) error {
		if err := w.write(exportRow(inc, slas[inc.Severity], windows, o.Now, o.Names)); err != nil {
			return err
		}
		o.Progress.report("exported", w.n, 0, false)
		return nil
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
