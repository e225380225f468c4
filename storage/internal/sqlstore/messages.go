package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/warroom/warroom/bot"
)

const msgCols = `id, platform, channel, ref, external_id, incident, body, created_at, updated_at`

const (
	qSaveMessage = `INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (platform, ref) DO UPDATE SET channel = excluded.channel, external_id = excluded.external_id,
		incident = excluded.incident, body = excluded.body, updated_at = excluded.updated_at
	RETURNING id, created_at`
	// qClaimNewMessage and qClaimMessage are compare-and-set writes: the
	// first inserts only where no record is, the second updates only the
	// record whose body is still the one the caller read (as stored
	// now, $8, or as a row from before schema 23 holds it, $9). Of replicas
	// racing from one read, exactly one gets a row back.
	qClaimNewMessage = `INSERT INTO messages (platform, channel, ref, external_id, incident, body, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (platform, ref) DO NOTHING
	RETURNING id, created_at`
	qClaimMessage = `UPDATE messages SET channel = $2, external_id = $4, incident = $5, body = $6, updated_at = $7
	WHERE platform = $1 AND ref = $3 AND (body = $8 OR body = $9)
	RETURNING id, created_at`
	// qEditMessage edits a message in the channel it is in, and leaves
	// the channel alone: SQLite rewrites an index entry for every column
	// an UPDATE sets, changed or not, and messages_channel holds it.
	qEditMessage = `UPDATE messages SET external_id = $3, incident = $4, body = $5, updated_at = $6
	WHERE platform = $1 AND ref = $2 AND channel = $7
	RETURNING id, created_at`
	qMessageByRef = `SELECT ` + msgCols + ` FROM messages WHERE platform = $1 AND ref = $2`
	qMessages     = `SELECT ` + msgCols + ` FROM (
		SELECT ` + msgCols + ` FROM messages WHERE platform = $1 AND channel = $2 ORDER BY id DESC LIMIT $3
	) newest ORDER BY id`
)

// SaveMessage inserts or updates the message with m's (Platform, Ref); an
// update keeps the first ID and CreatedAt, which are set on m.
func (t *tx) SaveMessage(ctx context.Context, m *bot.PostedMessage) error {
	var created int64
	body := nullBody(m.Body)
	err := t.queryRow(ctx, qEditMessage, m.Platform, m.Ref, m.ExternalID, nullID(m.Incident), body, us(m.UpdatedAt),
		m.Channel).Scan(&m.ID, &created)
	if errors.Is(err, sql.ErrNoRows) { // new, or moved to another channel
		err = t.queryRow(ctx, qSaveMessage, m.Platform, m.Channel, m.Ref, m.ExternalID, nullID(m.Incident), body,
			us(m.CreatedAt), us(m.UpdatedAt)).Scan(&m.ID, &created)
	}
	if err != nil {
		return fmt.Errorf("save message: %w", err)
	}
	m.CreatedAt = fromUS(created)
	return nil
}

// ClaimMessage stores m only if the record under (m.Platform, m.Ref) is
// still prev (nil: none yet), compared by body, and reports whether it did.
func (t *tx) ClaimMessage(ctx context.Context, m *bot.PostedMessage, prev *bot.PostedMessage) (bool, error) {
	args := []any{m.Platform, m.Channel, m.Ref, m.ExternalID, nullID(m.Incident), nullBody(m.Body)}
	q := qClaimNewMessage
	if prev == nil {
		args = append(args, us(m.CreatedAt), us(m.UpdatedAt))
	} else {
		if len(prev.Body) == 0 {
			return false, fmt.Errorf("claim message %s: the record to replace has no body to compare", m.Ref)
		}
		var legacy any = []byte(prev.Body) // PostgreSQL's BYTEA holds old text as its bytes
		if t.s.d.Name == "sqlite" {
			legacy = string(prev.Body) // SQLite kept old bodies as TEXT
		}
		q, args = qClaimMessage, append(args, us(m.UpdatedAt), packBody(prev.Body), legacy)
	}
	var created int64
	err := t.queryRow(ctx, q, args...).Scan(&m.ID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim message %s: %w", m.Ref, err)
	}
	m.CreatedAt = fromUS(created)
	return true, nil
}

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
	var err error
	if m.Body, err = fromNullBody(body); err != nil {
		return m, err
	}
	m.CreatedAt, m.UpdatedAt = fromUS(created), fromUS(updated)
	return m, nil
}

// MessageByRef reads the message with the platform's ref.
func (s *Store) MessageByRef(ctx context.Context, platform, ref string) (*bot.PostedMessage, error) {
	m, err := scanMessage(s.rqueryRow(ctx, qMessageByRef, platform, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read message: %w", bot.ErrNotFound)
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
	return out, nil
}
