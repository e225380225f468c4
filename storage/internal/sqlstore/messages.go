package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// A message names its platform and channel by the ids of their rows
// (channels.go); updated_at is NULL until the message is edited.
const (
	msgCols = `m.id, p.name, c.name, m.ref, m.external_id, m.incident, m.body, m.created_at, COALESCE(m.updated_at, m.created_at)`
	msgFrom = ` FROM messages m JOIN channels c ON c.id = m.channel JOIN platforms p ON p.id = m.platform`
)

const (
	qSaveMessage = `INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
	VALUES (` + platformID + `, ` + channelID + `, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (platform, ref) DO UPDATE SET channel = excluded.channel, external_id = excluded.external_id,
		incident = excluded.incident, body = excluded.body, updated_at = COALESCE(excluded.updated_at, excluded.created_at)
	WHERE substr(messages.body, 1, 2) IS DISTINCT FROM $9
	RETURNING id, created_at`
	// qClaimNewMessage inserts only where no record is; qClaimMessage
	// updates the record that qHoldMessage read and held and ClaimMessage
	// found to be still the one the caller read. Of replicas racing from
	// one read, exactly one gets a row back.
	qClaimNewMessage = `INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
	VALUES (` + platformID + `, ` + channelID + `, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (platform, ref) DO NOTHING
	RETURNING id, created_at`
	qHoldMessage  = `SELECT id, incident, body FROM messages WHERE platform = ` + platformID + ` AND ref = $2 %s` // Dialect.ForUpdate
	qClaimMessage = `UPDATE messages SET channel = ` + channelID + `, external_id = $4, incident = $5, body = $6, updated_at = $7
	WHERE id = $3
	RETURNING id, created_at`
	// qMessageRow reads what saving the message with the platform's ref
	// over its row needs: its id, whether it is in channel $2 (else it
	// moves), its stored size (to pad the new body to), and its stored
	// body where it is an original ($3, copies.go).
	qMessageRow = `SELECT id, COALESCE(channel = ` + channelID + `, false), length(body),
	CASE WHEN substr(body, 1, 2) = $3 THEN body END FROM messages WHERE platform = ` + platformID + ` AND ref = $4`
	// qEditMessage edits a message in the channel it is in, and leaves
	// the channel alone: SQLite rewrites an index entry for every column
	// an UPDATE sets, changed or not, and messages_channel holds it.
	qEditMessage = `UPDATE messages SET external_id = $4, incident = $5, body = $6, updated_at = $7
	WHERE platform = ` + platformID + ` AND channel = ` + channelID + ` AND ref = $3
	RETURNING id, created_at`
	// qLockDraftIn reads incident $3's postmortem draft where channel $2
	// on platform $1 is one of the incident's, and holds the draft and
	// the channel's link: a message posted there that carries the draft
	// stores a reference to it. The draft is replaced, and a channel
	// unlinked, only after the messages in the incident's channels that
	// refer to the draft are written out in full (insights.go), so a
	// reference is never in another channel. Both rows are locked, the
	// draft first as those changes lock it, so that an unlink committed
	// while the statement waited for the draft drops the row (PostgreSQL
	// reads a row it locks again once its locker is done; a row it only
	// joined it would not).
	qLockDraftIn = `SELECT p.incident, p.body, p.generated_at, p.version FROM postmortems p
	JOIN incident_channels l ON l.incident = p.incident
	WHERE l.channel = ` + channelID + ` AND p.incident = $3 %s`  // Dialect.ForUpdate
	qMessageByRef = `SELECT ` + msgCols + msgFrom + ` WHERE m.platform = ` + platformID + ` AND m.ref = $2`
	qMessages     = `SELECT ` + msgCols + msgFrom + ` WHERE m.id IN (
		SELECT id FROM messages WHERE channel = ` + channelID + ` ORDER BY id DESC LIMIT $3
	) ORDER BY m.id`
)

// SaveMessage inserts or updates the message with m's (Platform, Ref); an
// update keeps the first ID and CreatedAt, which are set on m.
//
// An edit in place never makes the stored body shorter (padBody), and
// one that makes it longer leaves room to grow: rows are appended to the
// table's last page, so a row that grows in a full page splits it and
// leaves two pages half empty for good.
func (t *tx) SaveMessage(ctx context.Context, m *bot.PostedMessage) error {
	if t.s.d.UpsertMessages {
		if err := t.addChannel(ctx, m.Platform, m.Channel); err != nil {
			return fmt.Errorf("save message: %w", err)
		}
		body, err := storedBody(ctx, t.queryRow, m)
		if err != nil {
			return fmt.Errorf("save message: %w", err)
		}
		err = upsertMessage(m, t.queryRow(ctx, qSaveMessage, saveMessageArgs(m, body)...))
		if errors.Is(err, sql.ErrNoRows) { // an original, left alone
			err = t.replaceOriginal(ctx, m, body)
		}
		if err != nil {
			t.s.seen.forget(channelKey{m.Platform, m.Channel})
			return err
		}
		t.stored(m, m.ID, body, 0)
		return nil
	}
	var (
		id, created int64
		same        bool
		size        sql.NullInt64
		held        []byte
		body        any
		orig        *original
		named       int64 // the copy the stored original names
	)
	err := t.queryRow(ctx, qMessageRow, m.Platform, m.Channel, originalHead, m.Ref).Scan(&id, &same, &size, &held)
	switch {
	case errors.Is(err, sql.ErrNoRows): // new
		if err = t.addChannel(ctx, m.Platform, m.Channel); err == nil {
			if body, orig, err = t.bodyOf(ctx, m, 0); err == nil {
				err = t.queryRow(ctx, qSaveMessage, saveMessageArgs(m, body)...).Scan(&id, &created)
			}
		}
	case err == nil && same:
		if err = t.owe(id, held); err != nil {
			break
		}
		if body, orig, err = t.bodyOf(ctx, m, id); err != nil {
			break
		}
		written := body
		if b, ok := body.([]byte); ok {
			old := int(size.Int64)
			copyID, inner, isOriginal := originalOf(held)
			if isOriginal { // the size of its body
				old -= len(held) - len(inner)
			}
			body = padBody(b, editSize(len(b), old))
			written = body
			// An original keeps naming its copy, which the call is
			// likely to save again as a copy (else it pays it).
			if isOriginal && orig == nil && plainBody(b) {
				written, named = originalBody(copyID, body.([]byte)), copyID
			}
		}
		err = t.queryRow(ctx, qEditMessage, m.Platform, m.Channel, m.Ref, m.ExternalID, nullID(m.Incident), written,
			us(m.UpdatedAt)).Scan(&id, &created)
	case err == nil: // moved to another channel
		if err = t.owe(id, held); err == nil {
			err = t.addChannel(ctx, m.Platform, m.Channel)
		}
		if err == nil {
			body, orig, err = t.bodyOf(ctx, m, id)
		}
		if err == nil {
			err = t.queryRow(ctx, qClaimMessage, m.Platform, m.Channel, id, m.ExternalID, nullID(m.Incident), body,
				us(m.UpdatedAt)).Scan(&id, &created)
		}
	}
	if err == nil && orig != nil {
		err = t.copied(ctx, m, orig, id)
	}
	if err != nil {
		t.s.seen.forget(channelKey{m.Platform, m.Channel})
		return fmt.Errorf("save message: %w", err)
	}
	if orig == nil {
		t.stored(m, id, body, named)
	}
	m.ID, m.CreatedAt = id, fromUS(created)
	return nil
}

// bodyOf is m's body as stored (storedBody), or as a copy of a message
// the call stored with the same body (copies.go), then with that message;
// id is m's row (0: new).
func (t *tx) bodyOf(ctx context.Context, m *bot.PostedMessage, id int64) (any, *original, error) {
	body, err := storedBody(ctx, t.queryRow, m)
	if err != nil {
		return nil, nil, err
	}
	if b, ok := body.([]byte); ok && plainBody(b) {
		if ref, o := t.asCopy(m, id); o != nil {
			return ref, o, nil
		}
	}
	return body, nil, nil
}

// replaceOriginal saves m, stored as body, over the row under its
// (platform, ref), an original that qSaveMessage left alone: the copy
// referring to it is owed its body first.
func (t *tx) replaceOriginal(ctx context.Context, m *bot.PostedMessage, body any) error {
	var (
		id, created int64
		incident    sql.NullInt64
		stored      []byte
	)
	err := t.queryRow(ctx, qHoldMessage, m.Platform, m.Ref).Scan(&id, &incident, &stored)
	if err == nil {
		err = t.owe(id, stored)
	}
	if err == nil {
		err = t.queryRow(ctx, qClaimMessage, m.Platform, m.Channel, id, m.ExternalID, nullID(m.Incident), body,
			us(m.UpdatedAt)).Scan(&m.ID, &created)
	}
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	m.CreatedAt = fromUS(created)
	return nil
}

// updatedAt is m's UpdatedAt as a new row stores it: NULL when it is
// the row's CreatedAt.
func updatedAt(m *bot.PostedMessage) any {
	if at := us(m.UpdatedAt); at != us(m.CreatedAt) {
		return at
	}
	return nil
}

// SaveMessage is tx.SaveMessage in a transaction of its own: with
// Dialect.UpsertMessages one statement on the writer (joining a group
// commit where the dialect groups), else InTx.
//
// A message that may carry its incident's postmortem draft (storedBody)
// takes a transaction too, which holds the draft until the message is
// stored.
func (s *Store) SaveMessage(ctx context.Context, m *bot.PostedMessage) error {
	if !s.d.UpsertMessages || s.d.GroupCommit || mayCarryDraft(m) {
		return s.InTx(ctx, func(btx bot.Tx) error { return btx.SaveMessage(ctx, m) })
	}
	k := channelKey{m.Platform, m.Channel}
	if !s.seen.has(k) {
		// Outside a transaction the rows added are committed already.
		if _, err := addChannel(ctx, s.w.QueryRowContext, s.w.ExecContext, m.Platform, m.Channel, s.seen.hasPlatform(m.Platform)); err != nil {
			return fmt.Errorf("save message: %w", err)
		}
		s.seen.add(k)
	}
	var err error
	if st := s.stmts[qSaveMessage]; st == nil {
		s.fallback(qSaveMessage)
		err = upsertMessage(m, s.w.QueryRowContext(ctx, qSaveMessage, saveMessageArgs(m, nullBody(m.Body))...))
	} else {
		err = upsertMessage(m, st.QueryRowContext(ctx, saveMessageArgs(m, nullBody(m.Body))...))
	}
	if errors.Is(err, sql.ErrNoRows) { // an original, left alone: its copy is written out first
		return s.InTx(ctx, func(btx bot.Tx) error { return btx.SaveMessage(ctx, m) })
	}
	if err != nil {
		s.seen.forget(k)
	}
	return err
}

// saveMessageArgs are qSaveMessage's arguments for m, whose body is
// stored as body. The upsert leaves an original (copies.go) alone.
func saveMessageArgs(m *bot.PostedMessage, body any) []any {
	return []any{m.Platform, m.Channel, m.Ref, m.ExternalID, nullID(m.Incident), body, us(m.CreatedAt), updatedAt(m), originalHead}
}

// mayCarryDraft says m's body may carry its incident's postmortem draft:
// it is long enough, and m names an incident.
func mayCarryDraft(m *bot.PostedMessage) bool {
	return m.Incident != 0 && len(m.Body) >= draftRefMin
}

// storedBody is m's body as stored: a reference to its incident's
// postmortem draft (bodies.go) when m carries the draft and is posted in
// one of the incident's channels, else nullBody's. The draft is read
// through queryRow, a transaction's, and held.
func storedBody(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, m *bot.PostedMessage) (any, error) {
	if !mayCarryDraft(m) {
		return nullBody(m.Body), nil
	}
	p, err := scanPostmortem(queryRow(ctx, qLockDraftIn, m.Platform, m.Channel, m.Incident))
	if errors.Is(err, sql.ErrNoRows) {
		return nullBody(m.Body), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the postmortem draft: %w", err)
	}
	if ref := packDraftRef(m.Body, p.Body, p.Version); ref != nil {
		return ref, nil
	}
	return nullBody(m.Body), nil
}

// messageBody returns the body that stored, the body column of message
// id of incident, holds, reading the postmortem draft or the message it
// copies through queryRow where it refers to one.
func messageBody(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row, id, incident int64, stored []byte) (json.RawMessage, error) {
	if orig, ok := copyOf(stored); ok {
		return copyBody(ctx, queryRow, id, orig)
	}
	version, ok := draftRefVersion(stored)
	if !ok {
		return fromNullBody(stored)
	}
	p, err := scanPostmortem(queryRow(ctx, qPostmortem, incident))
	if err != nil {
		return nil, fmt.Errorf("read the postmortem draft the message carries: %w", err)
	}
	if p.Version != version {
		return nil, fmt.Errorf("the message carries postmortem draft v%d of %s, and v%d is stored", version, bot.FormatKey(incident), p.Version)
	}
	return unpackDraftRef(stored, p.Body)
}

// upsertMessage reads qSaveMessage's row into m.
func upsertMessage(m *bot.PostedMessage, row *sql.Row) error {
	var created int64
	if err := row.Scan(&m.ID, &created); err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	m.CreatedAt = fromUS(created)
	return nil
}

// editSize is the size to pad a body of n bytes to when it replaces one
// stored in old: old when it fits, else n and a quarter more (at least
// 16 bytes), so that the next edits fit.
func editSize(n, old int) int {
	if n <= old {
		return old
	}
	return n + max(16, n/4)
}

// ClaimMessage stores m only if the record under (m.Platform, m.Ref) is
// still prev (nil: none yet), compared by body, and reports whether it did.
// The record is read and held (FOR UPDATE on PostgreSQL; SQLite has one
// writer) and compared as it reads back, whichever way it is stored.
func (t *tx) ClaimMessage(ctx context.Context, m *bot.PostedMessage, prev *bot.PostedMessage) (bool, error) {
	var created int64
	if err := t.addChannel(ctx, m.Platform, m.Channel); err != nil {
		return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
	}
	body, err := storedBody(ctx, t.queryRow, m)
	if err != nil {
		return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
	}
	if prev == nil {
		err = t.queryRow(ctx, qClaimNewMessage, m.Platform, m.Channel, m.Ref, m.ExternalID, nullID(m.Incident),
			body, us(m.CreatedAt), updatedAt(m)).Scan(&m.ID, &created)
	} else {
		if len(prev.Body) == 0 {
			return false, fmt.Errorf("claim message %s: the record to replace has no body to compare", m.Ref)
		}
		var (
			id       int64
			incident sql.NullInt64
			stored   []byte
		)
		err = t.queryRow(ctx, qHoldMessage, m.Platform, m.Ref).Scan(&id, &incident, &stored)
		if err == nil {
			var now json.RawMessage
			if now, err = messageBody(ctx, t.queryRow, id, incident.Int64, stored); err != nil {
				return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
			}
			if !bytes.Equal(now, prev.Body) {
				return false, nil
			}
			if err = t.owe(id, stored); err != nil {
				return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
			}
			err = t.queryRow(ctx, qClaimMessage, m.Platform, m.Channel, id, m.ExternalID, nullID(m.Incident), body,
				us(m.UpdatedAt)).Scan(&m.ID, &created)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
	}
	t.stored(m, m.ID, body, 0)
	m.CreatedAt = fromUS(created)
	return true, nil
}

// scanMessage reads a message's row; a body that refers to the
// incident's postmortem draft or to another message is left as stored,
// for readBody.
func scanMessage(row scanner) (bot.PostedMessage, error) {
	var (
		m                bot.PostedMessage
		incident         sql.NullInt64
		body             []byte
		created, updated int64
	)
	if err := row.Scan(&m.ID, &m.Platform, &m.Channel, &m.Ref, &m.ExternalID, &incident, &body, &created, &updated); err != nil {
		return m, err
	}
	m.Incident = incident.Int64
	if refers(body) {
		m.Body = body
	} else {
		var err error
		if m.Body, err = fromNullBody(body); err != nil {
			return m, err
		}
	}
	m.CreatedAt, m.UpdatedAt = fromUS(created), fromUS(updated)
	return m, nil
}

// readBody unpacks the body of m, read by scanMessage, where it refers
// to the incident's postmortem draft or to another message (read on the
// reader pool).
func (s *Store) readBody(ctx context.Context, m *bot.PostedMessage) error {
	if !refers(m.Body) {
		return nil
	}
	var err error
	m.Body, err = messageBody(ctx, s.rqueryRow, m.ID, m.Incident, m.Body)
	return err
}

// refers says stored, a message's stored body, refers to a postmortem
// draft or to another message: reading it reads that too.
func refers(stored []byte) bool {
	_, draft := draftRefVersion(stored)
	_, copied := copyOf(stored)
	return draft || copied
}

// MessageByRef reads the message with the platform's ref.
func (s *Store) MessageByRef(ctx context.Context, platform, ref string) (*bot.PostedMessage, error) {
	m, err := scanMessage(s.rqueryRow(ctx, qMessageByRef, platform, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read message: %w", bot.ErrNotFound)
	}
	if err == nil {
		err = s.readBody(ctx, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	return &m, nil
}

// Messages lists the newest limit messages of a channel (0: all), oldest first.
func (s *Store) Messages(ctx context.Context, platform, channel string, limit int) ([]bot.PostedMessage, error) {
	rows, err := s.r.QueryContext(ctx, qMessages, platform, channel, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	defer rows.Close()
	var out []bot.PostedMessage
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	rows.Close() // before readBody reads on the same pool
	for i := range out {
		if err := s.readBody(ctx, &out[i]); err != nil {
			return nil, fmt.Errorf("read messages: %w", err)
		}
	}
	return out, nil
}
