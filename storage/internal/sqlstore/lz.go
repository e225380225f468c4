package sqlstore

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// A small LZ77 coder for the packed bodies (bodies.go): literal runs and
// copies from anywhere earlier in the dictionary followed by the value,
// without entropy coding. Packing a card costs a few microseconds, where
// compress/flate with a preset dictionary costs about a hundred (it clears
// its 640 KB of hash tables for every value), which matters inside the
// single writer's transactions.
//
// A packed value is a sequence of
//
//	uvarint literal length, the literal bytes, uvarint copy length,
//	then, when the copy length is not 0, uvarint distance back
//
// and ends with a copy length of 0. Copies are at least lzMinCopy long
// and may overlap what they produce.

const (
	lzHashBits = 12
	lzMinCopy  = 4
	lzMaxOut   = 64 << 20 // refuse to unpack more (either coding): nothing stored is near it
)

// lzMaxChain is how many earlier places with the same hash the packer
// tries for the longest copy: a card differs from the dictionary's in a
// few places (its key, its title), and the nearest place with the same
// four bytes is often not the one whose copy runs on.
const lzMaxChain = 8

// lzTable indexes positions by the hash of the 4 bytes there: head holds
// position+1 of the last one with a hash (0: none), prev for each
// position the one before it with the same hash. A table for a value
// packed against a dictionary starts as a copy of the dictionary's head,
// and keeps the prev of the value's own positions only (from base on):
// below base it reads the dictionary's.
type lzTable struct {
	head [1 << lzHashBits]int32
	prev []int32
	dict []int32 // the dictionary's prev, for positions below base
	base int
}

func lzHash(b []byte) uint32 {
	return (binary.LittleEndian.Uint32(b) * 2654435761) >> (32 - lzHashBits)
}

// lzDictTable indexes dict once, for every value packed against it.
func lzDictTable(dict []byte) *lzTable {
	t := &lzTable{prev: make([]int32, len(dict))}
	for i := 0; i+lzMinCopy <= len(dict); i++ {
		t.add(dict, i)
	}
	return t
}

func (t *lzTable) add(buf []byte, i int) {
	h := lzHash(buf[i:])
	t.prev[i-t.base], t.head[h] = t.head[h], int32(i+1)
}

// before returns the position before p with the same hash, or -1.
func (t *lzTable) before(p int) int {
	if p < t.base {
		return int(t.dict[p]) - 1
	}
	return int(t.prev[p-t.base]) - 1
}

// lzPack appends src packed against dict, indexed as base, to dst.
func lzPack(dst, dict, src []byte, base *lzTable) []byte {
	buf := make([]byte, 0, len(dict)+len(src))
	buf = append(append(buf, dict...), src...)
	n, i, lit := len(buf), len(dict), len(dict)
	t := lzTable{head: base.head, prev: make([]int32, len(src)), dict: base.prev, base: len(dict)}
	for i+lzMinCopy <= n {
		c, m := -1, 0
		for p, k := int(t.head[lzHash(buf[i:])])-1, 0; p >= 0 && k < lzMaxChain; p, k = t.before(p), k+1 {
			l := 0
			for i+l < n && buf[p+l] == buf[i+l] {
				l++
			}
			if l > m {
				c, m = p, l
			}
		}
		t.add(buf, i)
		if m < lzMinCopy {
			i++
			continue
		}
		dst = binary.AppendUvarint(dst, uint64(i-lit))
		dst = append(dst, buf[lit:i]...)
		dst = binary.AppendUvarint(dst, uint64(m))
		dst = binary.AppendUvarint(dst, uint64(i-c))
		for j := i + 1; j < i+m && j+lzMinCopy <= n; j++ {
			t.add(buf, j)
		}
		i += m
		lit = i
	}
	dst = binary.AppendUvarint(dst, uint64(n-lit))
	dst = append(dst, buf[lit:]...)
	return binary.AppendUvarint(dst, 0)
}

var errLZ = errors.New("corrupt or oversized packed value")

// lzUnpack returns the value p packs against dict; with padded, p may go
// on after the end with zero bytes.
func lzUnpack(dict, p []byte, padded bool) ([]byte, error) {
	out := make([]byte, 0, len(dict)+3*len(p))
	out = append(out, dict...)
	for {
		l, k := binary.Uvarint(p)
		if k <= 0 || l > uint64(len(p)-k) {
			return nil, errLZ
		}
		out = append(out, p[k:k+int(l)]...)
		p = p[k+int(l):]
		m, k := binary.Uvarint(p)
		if k <= 0 {
			return nil, errLZ
		}
		p = p[k:]
		if m == 0 {
			if len(p) != 0 && (!padded || len(bytes.TrimLeft(p, "\x00")) != 0) {
				return nil, errLZ
			}
			return out[len(dict):], nil
		}
		d, k := binary.Uvarint(p)
		if k <= 0 || d == 0 || d > uint64(len(out)) || m > lzMaxOut-uint64(len(out)) {
			return nil, errLZ
		}
		p = p[k:]
		from := len(out) - int(d)
		if int(d) >= int(m) {
			out = append(out, out[from:from+int(m)]...)
			continue
		}
		for j := range int(m) { // overlapping: a run
			out = append(out, out[from+j])
		}
	}
}
