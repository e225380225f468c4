package sqlstore

import (
	"bytes"
	"compress/flate"
	_ "embed" // the packing dictionary
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Large text columns (posted message bodies, postmortem drafts, outbox
// payloads) are stored packed against a preset dictionary of what they
// usually hold (cards, update posts, the default postmortem draft), behind
// a two-byte header. A value that packing does not shrink is stored as it
// is; so is everything written before schema 23. Text never starts with a
// zero byte, so the header tells them apart:
//
//	0x00 0x01 <lz.go's coding against body_dict_v1.txt>
//	0x00 0x02 <a deflate stream against body_dict_v1.txt>
//	0x00 0x03 <lz.go's coding against body_dict_v2.txt> [zero bytes]
//	0x00 0x04 <a deflate stream against body_dict_v2.txt> [zero bytes]
//
// Short values (cards, posts) take the LZ coder: a few microseconds, where
// compress/flate spends about a hundred on clearing its hash tables for
// every value, inside the single writer's transaction. Values of
// deflateMin bytes or more (a postmortem draft, its message, a job
// carrying them) take deflate, whose entropy coding also shrinks the
// base64 of a file, and whose fixed cost they amortise.
//
// Values are written in the v2 formats; v1 values are read as before.
// v2's dictionary is v1's followed by the card in every status and the
// postmortem message as the console stores it (the draft as JSON text).
// A v2 value may be followed by zero bytes, which readers skip: a posted
// message that is edited in place keeps its row's size that way
// (padBody), so that the edit does not split a full page.
//
// A dictionary is part of the format: a changed dictionary would make
// every value packed with it unreadable. A better one gets new version
// bytes and a new file, and readers keep the old.

//go:embed body_dict_v1.txt
var bodyDictV1 []byte

//go:embed body_dict_v2.txt
var bodyDictV2 []byte

var (
	bodyDictV1Table = lzDictTable(bodyDictV1)
	bodyDictV2Table = lzDictTable(bodyDictV2)
)

const (
	packedMark   = 0x00
	packedLZ     = 0x01 // lz.go, body_dict_v1.txt
	packedFlate  = 0x02 // compress/flate, body_dict_v1.txt
	packedLZ2    = 0x03 // lz.go, body_dict_v2.txt, then padding
	packedFlate2 = 0x04 // compress/flate, body_dict_v2.txt, then padding
	packMin      = 32   // the shortest value worth packing
	deflateMin   = 1024 // the shortest value worth deflating
	unpackedHint = 3    // unpacked size per packed byte, to size buffers
)

var (
	deflaters = sync.Pool{New: func() any {
		w, err := flate.NewWriterDict(nil, flate.BestCompression, bodyDictV2)
		if err != nil {
			panic(err) // only for an invalid level
		}
		return w
	}}
	inflaters = sync.Pool{New: func() any { return flate.NewReaderDict(bytes.NewReader(nil), bodyDictV2) }}
)

// packBody returns b as stored: packed when that is shorter, else b. A
// value that starts with the header's zero byte is always packed, so that
// it is never read as packed when it is not.
func packBody(b []byte) []byte {
	raw := len(b) == 0 || b[0] != packedMark
	if len(b) < packMin && raw {
		return b
	}
	var out []byte
	if len(b) >= deflateMin {
		out = deflate(b)
	} else {
		out = lzPack(append(make([]byte, 0, 2+len(b)/2), packedMark, packedLZ2), bodyDictV2, b, bodyDictV2Table)
	}
	if len(out) >= len(b) && raw {
		return b
	}
	return out
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 16)
	buf.WriteByte(packedMark)
	buf.WriteByte(packedFlate2)
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	_, _ = w.Write(b) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	return buf.Bytes()
}

// unpackBody returns the value packBody stored as b.
func unpackBody(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != packedMark {
		return b, nil
	}
	var (
		out []byte
		err error
	)
	switch b[1] {
	case packedLZ:
		out, err = lzUnpack(bodyDictV1, b[2:], false)
	case packedFlate:
		out, err = inflate(b[2:], bodyDictV1)
	case packedLZ2:
		out, err = lzUnpack(bodyDictV2, b[2:], true)
	case packedFlate2:
		out, err = inflate(b[2:], bodyDictV2)
	default:
		err = fmt.Errorf("unknown format %d", b[1])
	}
	if err != nil {
		return nil, fmt.Errorf("unpack body: %w", err)
	}
	return out, nil
}

// inflate reads the deflate stream at the start of b; what follows the
// stream's last block (padding) is not read.
func inflate(b, dict []byte) ([]byte, error) {
	r := inflaters.Get().(io.ReadCloser)
	defer inflaters.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(b), dict); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(unpackedHint * len(b))
	if _, err := out.ReadFrom(io.LimitReader(r, lzMaxOut+1)); err != nil {
		return nil, err
	}
	if out.Len() > lzMaxOut {
		return nil, errLZ
	}
	return out.Bytes(), nil
}

// padBody returns stored, a value packBody returned, padded with zero
// bytes to size when it is a v2 packed value shorter than that; any other
// value as it is.
func padBody(stored []byte, size int) []byte {
	if len(stored) >= size || len(stored) < 2 || stored[0] != packedMark ||
		(stored[1] != packedLZ2 && stored[1] != packedFlate2) {
		return stored
	}
	return append(stored, make([]byte, size-len(stored))...)
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

// fromNullBody reads a column nullBody wrote: NULL is an empty body.
func fromNullBody(b []byte) (json.RawMessage, error) {
	if b == nil {
		return nil, nil
	}
	raw, err := unpackBody(b)
	return json.RawMessage(raw), err
}

// packText is packBody for a string column value.
func packText(s string) []byte { return packBody([]byte(s)) }
