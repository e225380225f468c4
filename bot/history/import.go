package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/warroom/warroom/bot"
)

// ImportStore is what Import writes through.
type ImportStore interface {
	// ImportIncidents writes the incidents next returns (nil at the end)
	// in one transaction; an error from next rolls everything back. An
	// incident equal to the one it would replace is left alone and counted
	// in neither created nor updated.
	ImportIncidents(ctx context.Context, next func() (*bot.Incident, error)) (created, updated int, err error)
}

// ImportOptions say how Import reads its source.
type ImportOptions struct {
	Name   string    // the source's name in errors, e.g. its file name
	Format string    // "csv" or "json"
	Now    time.Time // the imported incidents' UpdatedAt
	// Report receives one line per wrong row (the first 50, then a
	// count); nil discards them.
	Report   io.Writer
	Progress Progress // nil: none
}

// Result counts what an import did with its rows: incidents created,
// incidents changed (a new version), and rows equal to the incident they
// name, which are left alone.
type Result struct{ Created, Updated, Unchanged int }

// maxReported bounds the row errors an import reports.
const maxReported = 50

// Import validates every row of src first and imports nothing when one is
// wrong; then it reads src again from the start and writes it in one
// transaction of batched inserts. Memory stays flat: rows are never held
// all at once (a bitmap of keys finds duplicates).
func Import(ctx context.Context, store ImportStore, src io.ReadSeeker, o ImportOptions) (Result, error) {
	var res Result
	report := o.Report
	if report == nil {
		report = io.Discard
	}
	rows, bad, err := validate(src, o.Format, o.Now, report, o.Progress.phase("checked", 0))
	if err != nil {
		return res, err
	}
	if bad > 0 {
		return res, fmt.Errorf("%s: %d of %d rows are wrong; nothing was imported", o.Name, bad, rows)
	}
	if rows == 0 {
		return res, fmt.Errorf("%s holds no incidents", o.Name)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	r, err := newReader(src, o.Format)
	if err != nil {
		return res, err
	}
	written, progress := 0, o.Progress.phase("imported", rows)
	next := func() (*bot.Incident, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row, where, err := r.next()
		if errors.Is(err, io.EOF) {
			progress(written, true)
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		inc, err := importRow(row, o.Now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (the file changed while importing)", where, err)
		}
		written++
		progress(written, false)
		return inc, nil
	}
	res.Created, res.Updated, err = store.ImportIncidents(ctx, next)
	if err != nil {
		return Result{}, err
	}
	res.Unchanged = written - res.Created - res.Updated
	return res, nil
}

// validate checks every row and reports what is wrong with each, by line
// (CSV) or record (JSON).
func validate(src io.Reader, format string, now time.Time, report io.Writer, progress func(done int, final bool)) (rows, bad int, err error) {
	r, err := newReader(src, format)
	if err != nil {
		return 0, 0, err
	}
	seen := bitmap{}
	first := map[int64]string{}
	for {
		row, where, err := r.next()
		if errors.Is(err, io.EOF) {
			break
		}
		rows++
		progress(rows, false)
		if err == nil {
			var inc *bot.Incident
			if inc, err = importRow(row, now); err == nil {
				if seen.has(inc.Number) {
					err = fmt.Errorf("key: %s appears twice", inc.Key())
					if w, ok := first[inc.Number]; ok {
						err = fmt.Errorf("key: %s appears twice (first at %s)", inc.Key(), w)
					}
				}
				seen.set(inc.Number)
				if len(first) < 1000 {
					first[inc.Number] = where
				}
			}
		}
		if err != nil {
			bad++
			if bad <= maxReported {
				fmt.Fprintf(report, "%s: %v\n", where, err)
			}
			if r.broken {
				break // the JSON stream itself is broken
			}
		}
	}
	progress(rows, true)
	if bad > maxReported {
		fmt.Fprintf(report, "… and %d more rows with errors\n", bad-maxReported)
	}
	return rows, bad, nil
}

// bitmap is a set of incident numbers in 64-bit words.
type bitmap map[int64]uint64

func (b bitmap) has(n int64) bool { return b[n>>6]&(1<<(uint64(n)&63)) != 0 }
func (b bitmap) set(n int64)      { b[n>>6] |= 1 << (uint64(n) & 63) }
