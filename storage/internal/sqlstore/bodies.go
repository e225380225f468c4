package sqlstore

import (
	"bytes"
	"compress/flate"
	_ "embed" // the packing dictionary
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
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
//	0x00 0x05 <uvarint draft version> <the rest, as packBody stores it>
//	0x00 0x06 <uvarint n> <a draft, as packBody stores it: n bytes> <the rest, as packBody stores it>
//	0x00 0x07 <uvarint id>: the body of message id (copies.go)
//	0x00 0x08 <uvarint id> <the body, as packBody stores it>: a body message id refers to (copies.go)
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
// 0x00 0x05 is a posted message that carries its incident's postmortem
// draft (schema 32): the draft is stored once, in postmortems, and the
// message stores the rest of its body, each place that held the draft
// marked (markDraft), with the draft's version. The store reads the draft
// back to unpack it (messages.go), and writes such messages out in full
// before it replaces the draft they name.
//
// 0x00 0x06 is a value that carries a postmortem draft its transaction
// stored (an outbox job posting it): the draft as packed for postmortems,
// then the rest, marked as in 0x00 0x05. It stands alone, and the draft
// is packed once per resolution instead of once per value carrying it.
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
	packedDraft  = 0x05 // a reference to the incident's postmortem draft
	packedCarry  = 0x06 // a packed postmortem draft, and the rest
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

// spareDeflater holds one writer that a garbage collection does not take:
// sync.Pool drops its writers within two collections, and an ingest storm
// collects several times a second, so each card edit then made a writer
// anew (about 800 KB at BestCompression). One is kept for good once made.
var spareDeflater = make(chan *flate.Writer, 1)

func getDeflater() *flate.Writer {
	select {
	case w := <-spareDeflater:
		return w
	default:
		return deflaters.Get().(*flate.Writer)
	}
}

func putDeflater(w *flate.Writer) {
	select {
	case spareDeflater <- w:
	default:
		deflaters.Put(w)
	}
}

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
	w := getDeflater()
	defer putDeflater(w)
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
	case packedDraft:
		err = errors.New("a reference to a postmortem draft, read without the draft")
	case packedCarry:
		out, err = unpackCarry(b[2:])
	case packedCopy:
		err = errors.New("a copy of another message's body, read without it")
	case packedOriginal:
		if _, inner, ok := originalOf(b); ok && plainBody(inner) {
			return unpackBody(inner)
		}
		err = errLZ
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

// draftRefMin is the shortest posted message body worth looking for its
// incident's postmortem draft in: shorter than any draft.
const draftRefMin = 512

// The places a value holds a draft are marked by bytes that JSON text
// never holds: draftMark where it held the draft as JSON string content
// (json.Marshal's escaping, as a message body or a job's payload holds
// its text), fileMark where it held its base64 (a file's data in a job's
// payload).
const (
	draftMark = 0x00
	fileMark  = 0x01
)

// markDraft returns b with each place that holds draft marked, or nil
// when b holds it nowhere or holds a mark byte of its own.
func markDraft(b []byte, draft string) []byte {
	text, file := draftText(draft), []byte(base64.StdEncoding.EncodeToString([]byte(draft)))
	if len(draft) == 0 || bytes.IndexByte(b, draftMark) >= 0 || bytes.IndexByte(b, fileMark) >= 0 ||
		(!bytes.Contains(b, text) && !bytes.Contains(b, file)) {
		return nil
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(b, text, []byte{draftMark}), file, []byte{fileMark})
}

// unmarkDraft is the value that markDraft marked as b.
func unmarkDraft(b []byte, draft string) []byte {
	file := []byte(base64.StdEncoding.EncodeToString([]byte(draft)))
	return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte{fileMark}, file), []byte{draftMark}, draftText(draft))
}

// draftText is a draft as JSON string content.
func draftText(draft string) []byte {
	b, _ := json.Marshal(draft) // a string always encodes
	return b[1 : len(b)-1]
}

// packDraftRef returns body stored as a reference to the postmortem draft
// (version) it carries, or nil when it does not carry it.
func packDraftRef(body []byte, draft string, version int64) []byte {
	rest := markDraft(body, draft)
	if rest == nil {
		return nil
	}
	out := binary.AppendUvarint([]byte{packedMark, packedDraft}, uint64(version))
	return append(out, packBody(rest)...)
}

// draftRefVersion reports whether b, a stored body, is a reference to a
// postmortem draft, and to which version.
func draftRefVersion(b []byte) (int64, bool) {
	if len(b) < 3 || b[0] != packedMark || b[1] != packedDraft {
		return 0, false
	}
	v, n := binary.Uvarint(b[2:])
	if n <= 0 {
		return 0, false
	}
	return int64(v), true
}

// unpackDraftRef returns the body that b, a reference to a postmortem
// draft, stores, given that draft.
func unpackDraftRef(b []byte, draft string) ([]byte, error) {
	_, n := binary.Uvarint(b[2:])
	if n <= 0 {
		return nil, fmt.Errorf("unpack body: %w", errLZ)
	}
	rest, err := unpackBody(b[2+n:])
	if err != nil {
		return nil, err
	}
	return unmarkDraft(rest, draft), nil
}

// storedDraft is a postmortem draft and the value packBody stored it as,
// kept by the transaction that stored it (tx.draft), so that a value of
// the same transaction that carries the draft reuses its packing.
type storedDraft struct {
	text   string
	packed []byte
}

// packCarry returns b packed with the draft d it carries, packed once
// (0x00 0x06), or nil when it does not carry it.
func packCarry(b []byte, d *storedDraft) []byte {
	rest := markDraft(b, d.text)
	if rest == nil {
		return nil
	}
	out := binary.AppendUvarint([]byte{packedMark, packedCarry}, uint64(len(d.packed)))
	return append(append(out, d.packed...), packBody(rest)...)
}

// unpackCarry is the value of a 0x00 0x06 value, b without its header.
func unpackCarry(b []byte) ([]byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, errLZ
	}
	packed, rest := b[k:k+int(n)], b[k+int(n):]
	if len(packed) >= 2 && packed[0] == packedMark && (packed[1] == packedDraft || packed[1] == packedCarry) {
		return nil, errLZ // a draft is packed by packBody alone
	}
	draft, err := unpackBody(packed)
	if err != nil {
		return nil, err
	}
	marked, err := unpackBody(rest)
	if err != nil {
		return nil, err
	}
	return unmarkDraft(marked, string(draft)), nil
}
