package history

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// writer writes rows of the given columns as CSV or JSON.
type writer struct {
	csv   *csv.Writer
	w     io.Writer
	json  bool
	n     int
	cols  []string
	kinds map[string]string // the columns whose JSON values are not strings
}

func newWriter(w io.Writer, format string, cols []string, kinds map[string]string) (*writer, error) {
	hw := &writer{w: w, cols: cols, kinds: kinds}
	switch format {
	case "csv":
		hw.csv = csv.NewWriter(w)
		return hw, hw.csv.Write(cols)
	case "json":
		hw.json = true
		_, err := io.WriteString(w, "[")
		return hw, err
	}
	return nil, fmt.Errorf("format %q is not csv or json", format)
}

func (h *writer) write(r row) error {
	h.n++
	if !h.json {
		rec := make([]string, len(h.cols))
		for i, c := range h.cols {
			rec[i] = defuse(r[c])
		}
		return h.csv.Write(rec)
	}
	sep := ",\n"
	if h.n == 1 {
		sep = "\n"
	}
	b, err := h.typedJSON(append([]byte(sep), '{'), r)
	if err != nil {
		return err
	}
	_, err = h.w.Write(append(b, '}'))
	return err
}

// typedJSON appends a row's columns, in order, as JSON members: those of
// a kind (numbers, booleans, JSON objects) as they are, an empty cell as
// null, the rest (times included) as strings.
func (h *writer) typedJSON(b []byte, r row) ([]byte, error) {
	for i, c := range h.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(strconv.AppendQuote(b, c), ':')
		v := r[c]
		switch {
		case v == "":
			b = append(b, "null"...)
		case h.kinds[c] != "":
			b = append(b, v...) // rendered as JSON by the row's maker
		default:
			s, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			b = append(b, s...)
		}
	}
	return b, nil
}

func (h *writer) close() error {
	if !h.json {
		h.csv.Flush()
		return h.csv.Error()
	}
	_, err := io.WriteString(h.w, "\n]\n")
	return err
}

// reader reads rows of a CSV or JSON export; where says where a row is,
// for errors ("line 12", "record 12").
type reader struct {
	csv    *csv.Reader
	header []string
	dec    *json.Decoder
	n      int
	broken bool // the JSON stream cannot be read further
}

func newReader(r io.Reader, format string) (*reader, error) {
	if format == "json" {
		dec := json.NewDecoder(r)
		tok, err := dec.Token()
		if err != nil || tok != json.Delim('[') {
			return nil, errors.New("a JSON import is an array of objects, as warroom export --format json writes")
		}
		return &reader{dec: dec}, nil
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: read the header: %w", err)
	}
	header := make([]string, len(head))
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] && !strings.HasPrefix(h, fieldPrefix) {
			return nil, fmt.Errorf("line 1: unknown column %q (columns: %s)", h, strings.Join(columns, ", "))
		}
		header[i] = h
	}
	return &reader{csv: cr, header: header}, nil
}

// next returns the next row and where it is; io.EOF at the end.
func (h *reader) next() (row, string, error) {
	h.n++
	if h.dec != nil {
		where := fmt.Sprintf("record %d", h.n)
		if !h.dec.More() {
			return nil, where, io.EOF
		}
		if h.broken {
			return nil, where, io.EOF
		}
		var m map[string]any
		if err := h.dec.Decode(&m); err != nil {
			h.broken = true
			return nil, where, fmt.Errorf("not a JSON object: %w", err)
		}
		r := row{}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				r[k] = v
			case float64:
				r[k] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				r[k] = strconv.FormatBool(v)
			case nil:
			default:
				return nil, where, fmt.Errorf("%s: want a string", k)
			}
		}
		return r, where, nil
	}
	rec, err := h.csv.Read()
	line, _ := h.csv.FieldPos(0)
	where := fmt.Sprintf("line %d", line)
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			where = fmt.Sprintf("line %d", pe.Line)
		}
		return nil, where, err
	}
	r := make(row, len(rec))
	for i, v := range rec {
		r[h.header[i]] = refuse(v)
	}
	return r, where, nil
}
