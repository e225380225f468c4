package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/warroom/warroom/bot"
)

// maxReported bounds the row errors an import prints.
const maxReported = 50

type importResult struct{ created, updated int }

// importFile validates every row of a file first and imports nothing when
// one is wrong; then it reads the file again and writes it in one
// transaction of batched inserts. Memory stays flat: rows are never held
// all at once (a bitmap of keys finds duplicates).
func importFile(ctx context.Context, store bot.HistoryStore, path, format string, now time.Time, report io.Writer) (importResult, error) {
	var res importResult
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	rows, bad, err := validateFile(f, format, now, report)
	if err != nil {
		return res, err
	}
	if bad > 0 {
		return res, fmt.Errorf("%s: %d of %d rows are wrong; nothing was imported", path, bad, rows)
	}
	if rows == 0 {
		return res, fmt.Errorf("%s holds no incidents", path)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	r, err := newHistoryReader(f, format)
	if err != nil {
		return res, err
	}
	next := func() (*bot.Incident, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		row, where, err := r.next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		inc, err := importRow(row, now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (the file changed while importing)", where, err)
		}
		return inc, nil
	}
	res.created, res.updated, err = store.ImportIncidents(ctx, next)
	return res, err
}

// validateFile checks every row and prints what is wrong with each, by
// line (CSV) or record (JSON).
func validateFile(f io.Reader, format string, now time.Time, report io.Writer) (rows, bad int, err error) {
	r, err := newHistoryReader(f, format)
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
	if bad > maxReported {
		fmt.Fprintf(report, "… and %d more rows with errors\n", bad-maxReported)
	}
	return rows, bad, nil
}

// bitmap is a set of incident numbers in 64-bit words.
type bitmap map[int64]uint64

func (b bitmap) has(n int64) bool { return b[n>>6]&(1<<(uint64(n)&63)) != 0 }
func (b bitmap) set(n int64)      { b[n>>6] |= 1 << (uint64(n) & 63) }
