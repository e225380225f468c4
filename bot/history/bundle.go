package history

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/warroom/warroom/bot"
)

// A bundle is JSON lines: a header, then one line per row, section by
// section in the order of sections, then an end line that counts the rows
// of every section (README.md, "Export and import"):
//
//	{"format":"warroom-bundle","version":1}
//	{"incident":{"number":1,...}}
//	{"timeline_entry":{"id":1,"incident":1,...}}
//	{"end":{"incident":1,"timeline_entry":1,...}}

// BundleFormat and BundleVersion name what a bundle's header says.
const (
	BundleFormat  = "warroom-bundle"
	BundleVersion = 1
)

// header is a bundle's first line.
type header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// endKey is the key of a bundle's last line.
const endKey = "end"

// Counts is how many rows of each section a bundle holds.
type Counts map[string]int

// Total is the number of rows of every section.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// progressEvery is how many rows pass between two progress reports.
const progressEvery = 1000

// Progress is told how far a long export or import is: rows done so
// far, of total when known (0 otherwise), in a phase ("exported",
// "checked", "imported"); final is set on the last call of a phase.
type Progress func(phase string, done, total int, final bool)

func (p Progress) report(phase string, done, total int, final bool) {
	if p != nil && (final || done%progressEvery == 0) {
		p(phase, done, total, final)
	}
}

// BundleOptions say how a bundle is read or written.
type BundleOptions struct {
	Name     string   // the source's name in errors, e.g. its file name
	Progress Progress // nil: none
}

// ExportBundle writes the whole history in store, from one snapshot, as a
// bundle, and returns how many rows of each section it wrote.
func ExportBundle(ctx context.Context, store bot.BundleStore, out io.Writer, o BundleOptions) (Counts, error) {
	counts := Counts{}
	bw := bufio.NewWriterSize(out, 256<<10)
	line, err := json.Marshal(header{Format: BundleFormat, Version: BundleVersion})
	if err != nil {
		return nil, err
	}
	if _, err := bw.Write(append(line, '\n')); err != nil {
		return nil, err
	}
	done := 0
	err = store.ReadHistory(ctx, func(r bot.HistoryReader) error {
		for _, s := range sections {
			prefix := []byte(`{"` + s.name + `":`)
			err := s.read(ctx, r, func(v any) error {
				b, err := json.Marshal(v)
				if err != nil {
					return fmt.Errorf("encode %s: %w", s.name, err)
				}
				bw.Write(prefix)
				bw.Write(b)
				if _, err := bw.WriteString("}\n"); err != nil {
					return err
				}
				counts[s.name]++
				done++
				o.Progress.report("exported", done, 0, false)
				return ctx.Err()
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return counts, err
	}
	full := Counts{}
	for _, s := range sections {
		full[s.name] = counts[s.name]
	}
	end, err := json.Marshal(map[string]Counts{endKey: full})
	if err != nil {
		return counts, err
	}
	if _, err := bw.Write(append(end, '\n')); err != nil {
		return counts, err
	}
	o.Progress.report("exported", done, done, true)
	return full, bw.Flush()
}

// ImportBundle checks the whole bundle in src, then writes it in one
// transaction into store, which must hold no history yet: a bundle that is
// wrong anywhere, or a database that is not empty, changes nothing. It
// returns how many rows of each section it wrote.
func ImportBundle(ctx context.Context, store bot.BundleStore, src io.ReadSeeker, o BundleOptions) (Counts, error) {
	var counts Counts
	err := store.WriteHistory(ctx, func(w bot.HistoryWriter) error {
		checked, err := readBundle(ctx, src, nil, o.Progress.phase("checked", 0))
		if err != nil {
			return err
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return err
		}
		write := func(put func(context.Context, bot.HistoryWriter) error) error { return put(ctx, w) }
		counts, err = readBundle(ctx, src, write, o.Progress.phase("imported", checked.Total()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w (nothing was imported)", o.Name, err)
	}
	return counts, nil
}

// phase binds a Progress to one phase and its total.
func (p Progress) phase(name string, total int) func(done int, final bool) {
	return func(done int, final bool) { p.report(name, done, total, final) }
}

// maxLine bounds one line of a bundle (a postmortem draft is the longest).
const maxLine = 64 << 20

// readBundle reads a bundle line by line, checks every row, and hands
// each row's writer to write (nil: check only).
func readBundle(ctx context.Context, src io.Reader, write func(func(context.Context, bot.HistoryWriter) error) error,
	progress func(done int, final bool)) (Counts, error) {
	br := bufio.NewReaderSize(src, 256<<10)
	c := newChecker()
	counts := Counts{}
	order := map[string]int{}
	for i, s := range sections {
		order[s.name] = i
	}
	at := 0 // the section being read
	lineNo, done, ended, headed := 0, 0, false, false
	fail := func(format string, args ...any) error {
		return fmt.Errorf("line %d: %s", lineNo, fmt.Sprintf(format, args...))
	}
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		lineNo++
		if err != nil && !errors.Is(err, io.EOF) {
			return counts, fail("%v", err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if ended {
			return counts, fail("a row after the end line")
		}
		if !headed {
			if err := checkHeader(line); err != nil {
				return counts, fail("%v", err)
			}
			headed = true
			continue
		}
		var row map[string]json.RawMessage
		if err := json.Unmarshal(line, &row); err != nil || len(row) != 1 {
			return counts, fail("not a bundle line: want one JSON object with one key, a section name or %q", endKey)
		}
		for key, raw := range row {
			if key == endKey {
				if err := checkEnd(raw, counts); err != nil {
					return counts, fail("%v", err)
				}
				ended = true
				continue
			}
			i, ok := order[key]
			if !ok {
				return counts, fail("unknown section %q (sections: %s)", key, sectionNames())
			}
			if i < at {
				return counts, fail("%s after %s: sections come in the order %s", key, sections[at].name, sectionNames())
			}
			at = i
			put, err := sections[i].load(raw, c)
			if err != nil {
				return counts, fail("%s: %v", key, err)
			}
			if write != nil {
				if err := write(put); err != nil {
					return counts, fmt.Errorf("writing the rows up to line %d: %w", lineNo, err)
				}
			}
			counts[key]++
			done++
			progress(done, false)
			if err := ctx.Err(); err != nil {
				return counts, err
			}
		}
	}
	if !headed {
		return counts, errors.New("the file is empty: a bundle starts with its header line")
	}
	if !ended {
		return counts, fmt.Errorf("the bundle ends at line %d without its end line: it is truncated", lineNo)
	}
	progress(done, true)
	return counts, nil
}

// readLine reads one line, without its end, of at most maxLine bytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("a line longer than %d MiB", maxLine>>20)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(line, []byte("\n")), err
	}
}

func checkHeader(line []byte) error {
	var h header
	if err := json.Unmarshal(line, &h); err != nil || h.Format != BundleFormat {
		return fmt.Errorf(`not a warroom bundle: the first line must be {"format":%q,"version":%d}, as warroom export --format bundle writes`,
			BundleFormat, BundleVersion)
	}
	if h.Version != BundleVersion {
		return fmt.Errorf("bundle version %d: this warroom reads version %d only", h.Version, BundleVersion)
	}
	return nil
}

// checkEnd compares the end line's counts with the rows read.
func checkEnd(raw json.RawMessage, counts Counts) error {
	var want Counts
	if err := json.Unmarshal(raw, &want); err != nil {
		return fmt.Errorf("end: %v", err)
	}
	for _, s := range sections {
		if want[s.name] != counts[s.name] {
			return fmt.Errorf("end: the bundle says %d %s rows, it holds %d: it is incomplete", want[s.name], s.name, counts[s.name])
		}
	}
	for k := range want {
		if _, ok := counts[k]; !ok && want[k] != 0 && !isSection(k) {
			return fmt.Errorf("end: unknown section %q", k)
		}
	}
	return nil
}

func isSection(name string) bool {
	for _, s := range sections {
		if s.name == name {
			return true
		}
	}
	return false
}

// Sections names a bundle's sections, in the order it holds them.
func Sections() []string {
	names := make([]string, len(sections))
	for i, s := range sections {
		names[i] = s.name
	}
	return names
}

func sectionNames() string { return strings.Join(Sections(), ", ") }
