package sqlstore

import (
	"bytes"
	"compress/flate"
	_ "embed" // the compression dictionary
	"fmt"
	"io"
	"sync"
)

// Large text columns (posted message bodies, postmortem drafts) are stored
// packed: deflated against a preset dictionary of what they usually hold
// (cards, update posts, the default postmortem draft), behind a two-byte
// header. A value that packing does not shrink is stored as it is; so is
// everything written before schema 23. Text never starts with a zero byte,
// so the header tells the two apart:
//
//	0x00 0x01 <deflate stream against body_dict_v1.txt>
//
// The dictionary is part of the format: a changed dictionary would make
// every packed value unreadable. A better one gets a new version byte and
// a new file, and readers keep the old.

//go:embed body_dict_v1.txt
var bodyDictV1 []byte

const (
	packedMark  = 0x00
	packedDictA = 0x01 // deflate, body_dict_v1.txt
	// packMin is the shortest value worth packing: below it the header
	// and the deflate block's own overhead eat what is saved.
	packMin = 48
)

var (
	packers = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(nil, flate.BestCompression, bodyDictV1)
		if err != nil {
			panic(err) // only for an invalid level
		}
		return w
	}}
	unpackers = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), bodyDictV1) }}
)

// packBody returns b as stored: packed when that is shorter, else b. A
// value that starts with the header's zero byte is always packed, so that
// it is never read as packed when it is not.
func packBody(b []byte) []byte {
	raw := len(b) == 0 || b[0] != packedMark
	if len(b) < packMin && raw {
		return b
	}
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 16)
	buf.WriteByte(packedMark)
	buf.WriteByte(packedDictA)
	w := packers.Get().(*flate.Writer)
	defer packers.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return b // writes to a bytes.Buffer do not fail
	}
	if err := w.Close(); err != nil {
		return b
	}
	if buf.Len() >= len(b) && raw {
		return b
	}
	return buf.Bytes()
}

// unpackBody returns the value packBody stored as b.
func unpackBody(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != packedMark {
		return b, nil
	}
	if b[1] != packedDictA {
		return nil, fmt.Errorf("unpack body: unknown format %d", b[1])
	}
	r := unpackers.Get().(io.ReadCloser)
	defer unpackers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b[2:]), bodyDictV1); err != nil {
		return nil, fmt.Errorf("unpack body: %w", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("unpack body: %w", err)
	}
	return out, nil
}

// unpackText is unpackBody for a string column value.
func unpackText(b []byte) (string, error) {
	out, err := unpackBody(b)
	return string(out), err
}

// nullBody stores an empty body as NULL and any other packed.
func nullBody(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return packBody(b)
}

// packText is packBody for a string column value.
func packText(s string) []byte { return packBody([]byte(s)) }
