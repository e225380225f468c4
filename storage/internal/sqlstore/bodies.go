package sqlstore

import (
	_ "embed" // the packing dictionary
	"encoding/json"
	"fmt"
)

// Large text columns (posted message bodies, postmortem drafts, outbox
// payloads) are stored packed: LZ77-coded (lz.go) against a preset
// dictionary of what they usually hold (cards, update posts, the default
// postmortem draft), behind a two-byte header. A value that packing does
// not shrink is stored as it is; so is everything written before schema
// 23. Text never starts with a zero byte, so the header tells the two
// apart:
//
//	0x00 0x01 <lz.go's coding against body_dict_v1.txt>
//
// The dictionary is part of the format: a changed dictionary would make
// every packed value unreadable. A better one gets a new version byte and
// a new file, and readers keep the old.

//go:embed body_dict_v1.txt
var bodyDictV1 []byte

var bodyDictV1Table = lzDictTable(bodyDictV1)

const (
	packedMark  = 0x00
	packedDictA = 0x01 // lz.go, body_dict_v1.txt
	// packMin is the shortest value worth packing.
	packMin = 32
)

// packBody returns b as stored: packed when that is shorter, else b. A
// value that starts with the header's zero byte is always packed, so that
// it is never read as packed when it is not.
func packBody(b []byte) []byte {
	raw := len(b) == 0 || b[0] != packedMark
	if len(b) < packMin && raw {
		return b
	}
	out := make([]byte, 2, 2+len(b)/2)
	out[0], out[1] = packedMark, packedDictA
	out = lzPack(out, bodyDictV1, b, bodyDictV1Table)
	if len(out) >= len(b) && raw {
		return b
	}
	return out
}

// unpackBody returns the value packBody stored as b.
func unpackBody(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != packedMark {
		return b, nil
	}
	if b[1] != packedDictA {
		return nil, fmt.Errorf("unpack body: unknown format %d", b[1])
	}
	out, err := lzUnpack(bodyDictV1, b[2:])
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
