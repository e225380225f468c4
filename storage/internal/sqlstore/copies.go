package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// A posted message whose body is the same as that of a message the same
// call stored just before, of the same incident on the same platform (an
// incident's card and its announcement, a post and its copy in the
// announcement channel), is stored as a reference to it (schema 37):
//
//	0x00 0x07 <uvarint id of the original>                              the copy
//	0x00 0x08 <uvarint id of the copy> <the body, as packBody stores it> the original
//
// The original names its copy, so that a write replacing the original's
// body writes the copy out in full first: the call owes the copy the
// original's old body (tx.owed) and pays at its end (payOwed), unless it
// saved the copy again meanwhile (the console saves a card and its
// announcement together). The copy is written out only while it still
// refers to the original: an original's pointer to a copy that was
// rewritten since is stale, and harmless. An original has one copy.
//
// Copies are made where a message is saved by reading its row first
// (Dialect.UpsertMessages unset: SQLite); every dialect reads them and
// writes them out before it replaces an original (a copy made on SQLite
// reaches PostgreSQL through `warroom db copy`).
const (
	packedCopy     = 0x07 // a reference to the message with the same body
	packedOriginal = 0x08 // a body another message refers to, and that message
)

// originalHead is how an original's stored body starts.
var originalHead = []byte{packedMark, packedOriginal}

const (
	// qMessageBody reads a message's stored body by id.
	qMessageBody = `SELECT body FROM messages WHERE id = $1`
	// qPayCopy writes out a copy in full ($2) if it still refers to its
	// original ($3, its stored body).
	qPayCopy = `UPDATE messages SET body = $2 WHERE id = $1 AND body = $3`
)

// originalKey is what a copy has in common with its original.
type originalKey struct {
	platform string
	incident int64
	body     string
}

// original is a message the call stored in full: its id, its body as
// packBody stored it, and the copy its stored body names already (0:
// none).
type original struct {
	id, copy int64
	stored   []byte
}

// copyRef is the stored body of a copy of message id.
func copyRef(id int64) []byte {
	return binary.AppendUvarint([]byte{packedMark, packedCopy}, uint64(id))
}

// copyOf reports whether b, a stored body, is a copy, and of which message.
func copyOf(b []byte) (int64, bool) {
	if len(b) < 3 || b[0] != packedMark || b[1] != packedCopy {
		return 0, false
	}
	id, n := binary.Uvarint(b[2:])
	return int64(id), n > 0 && n == len(b)-2
}

// originalOf reports whether b, a stored body, is an original, and returns
// its copy's id and its body as packBody stored it.
func originalOf(b []byte) (copyID int64, stored []byte, ok bool) {
	if len(b) < 3 || b[0] != packedMark || b[1] != packedOriginal {
		return 0, nil, false
	}
	id, n := binary.Uvarint(b[2:])
	if n <= 0 {
		return 0, nil, false
	}
	return int64(id), b[2+n:], true
}

// plainBody says b is stored as packBody stores it: neither a reference
// nor a value that carries one.
func plainBody(b []byte) bool {
	return len(b) < 2 || b[0] != packedMark || b[1] <= packedFlate2
}

// asCopy returns the stored body of m as a copy of a message this call
// stored in full with the same body (and the original), or nil.
func (t *tx) asCopy(m *bot.PostedMessage, id int64) ([]byte, *original) {
	if t.s.d.UpsertMessages || m.Incident == 0 || len(m.Body) == 0 {
		return nil, nil
	}
	o, ok := t.originals[originalKey{m.Platform, m.Incident, string(m.Body)}]
	if !ok || o.id == id {
		return nil, nil
	}
	return copyRef(o.id), &o
}

// stored notes that the call stored message m, with id, as body (behind
// a header naming message named, if not 0): it no longer owes the message
// a body, and a plain body of an incident's message may be copied by the
// next.
func (t *tx) stored(m *bot.PostedMessage, id int64, body any, named int64) {
	delete(t.owed, id)
	for k, o := range t.originals {
		if o.id == id {
			delete(t.originals, k)
		}
	}
	b, ok := body.([]byte)
	if t.s.d.UpsertMessages || m.Incident == 0 || !ok || !plainBody(b) {
		return
	}
	if t.originals == nil {
		t.originals = map[originalKey]original{}
	}
	t.originals[originalKey{m.Platform, m.Incident, string(m.Body)}] = original{id, named, b}
}

// copied notes that the call stored message m, with id copy, as a copy
// of o, and marks o as the one message the copy refers to.
func (t *tx) copied(ctx context.Context, m *bot.PostedMessage, o *original, copy int64) error {
	delete(t.owed, copy)
	delete(t.originals, originalKey{m.Platform, m.Incident, string(m.Body)})
	if o.copy == copy {
		return nil
	}
	if _, err := t.exec(ctx, qUnpackMessage, o.id, originalBody(copy, o.stored)); err != nil {
		return fmt.Errorf("mark message %d copied: %w", o.id, err)
	}
	return nil
}

// originalBody is the stored body of an original whose copy is message
// copy and whose body packBody stored as stored.
func originalBody(copy int64, stored []byte) []byte {
	head := append(make([]byte, 0, len(originalHead)+binary.MaxVarintLen64+len(stored)), originalHead...)
	return append(binary.AppendUvarint(head, uint64(copy)), stored...)
}

// owedCopy is a copy's body the call owes it: ref is the copy's stored
// body while it refers to its original, full the body it is written out
// with.
type owedCopy struct {
	ref, full []byte
}

// owe notes, before the call replaces the body of message id, stored as
// stored, that a copy referring to it is owed its body.
func (t *tx) owe(id int64, stored []byte) error {
	copyID, inner, ok := originalOf(stored)
	if !ok {
		return nil
	}
	full, err := unpackBody(inner)
	if err != nil {
		return fmt.Errorf("message %d: %w", id, err)
	}
	if t.owed == nil {
		t.owed = map[int64]owedCopy{}
	}
	t.owed[copyID] = owedCopy{ref: copyRef(id), full: full}
	return nil
}

// payOwed writes out in full the copies whose originals the call replaced
// and that it did not save again, and forgets the call's originals.
func (t *tx) payOwed(ctx context.Context) error {
	for id, o := range t.owed {
		if _, err := t.exec(ctx, qPayCopy, id, nullBody(o.full), o.ref); err != nil {
			return fmt.Errorf("write out message %d: %w", id, err)
		}
	}
	t.owed, t.originals = nil, nil
	return nil
}

// call runs fn, one caller's work in the transaction, and writes out the
// copies it owes at its end.
func (t *tx) call(ctx context.Context, fn func(bot.Tx) error) error {
	t.owed, t.originals = nil, nil
	if err := fn(t); err != nil {
		return err
	}
	return t.payOwed(ctx)
}

// copyBody returns the body of message id, a copy of the message
// original, reading the original through queryRow.
func copyBody(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, id, originalID int64) ([]byte, error) {
	var stored []byte
	err := queryRow(ctx, qMessageBody, originalID).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %d copies message %d, which is not stored", id, originalID)
	}
	if err != nil {
		return nil, fmt.Errorf("read the message %d copies: %w", id, err)
	}
	copyID, inner, ok := originalOf(stored)
	if !ok || copyID != id || !plainBody(inner) {
		return nil, fmt.Errorf("message %d copies message %d, which does not name it", id, originalID)
	}
	return unpackBody(inner)
}
