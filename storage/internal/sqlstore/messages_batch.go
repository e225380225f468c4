package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// maxBatchMessages is the most messages SaveMessages writes with one
// statement; more take a transaction.
const maxBatchMessages = 8

// SaveMessages stores ms all or none, as tx.SaveMessage for each in one
// transaction would. With Dialect.UpsertMessages (and no group commit)
// it writes them with one upsert outside a transaction, one round trip
// instead of two per message and BEGIN and COMMIT, unless one may carry
// its incident's postmortem draft (which takes the draft's lock) or two
// share a ref.
func (s *Store) SaveMessages(ctx context.Context, ms ...*bot.PostedMessage) error {
	if !s.batchable(ms) {
		return s.InTx(ctx, func(btx bot.Tx) error {
			for _, m := range ms {
				if err := btx.SaveMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if len(ms) == 1 {
		return s.SaveMessage(ctx, ms[0])
	}
	keys := make([]channelKey, len(ms))
	for i, m := range ms {
		keys[i] = channelKey{m.Platform, m.Channel}
		if s.seen.has(keys[i]) {
			continue
		}
		// Outside a transaction the rows added are committed already.
		if _, err := addChannel(ctx, s.w.QueryRowContext, s.w.ExecContext, m.Platform, m.Channel, s.seen.hasPlatform(m.Platform)); err != nil {
			return fmt.Errorf("save messages: %w", err)
		}
		s.seen.add(keys[i])
	}
	args := make([]any, 0, 8*len(ms)+1)
	for _, m := range ms {
		args = append(args, saveMessageArgs(m, nullBody(m.Body))[:8]...)
	}
	args = append(args, originalHead)
	left, err := s.upsertMessages(ctx, ms, args)
	if err == nil && len(left) > 0 {
		// Originals the upsert left alone: their copies are written out
		// first, as SaveMessage does. The others are stored already, with
		// what the caller gave; saving them again would write the same.
		err = s.InTx(ctx, func(btx bot.Tx) error {
			for _, m := range left {
				if err := btx.SaveMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		for _, k := range keys {
			s.seen.forget(k)
		}
		return fmt.Errorf("save messages: %w", err)
	}
	return nil
}

// batchable says SaveMessages may write ms with one statement.
func (s *Store) batchable(ms []*bot.PostedMessage) bool {
	if !s.d.UpsertMessages || s.d.GroupCommit || len(ms) == 0 || len(ms) > maxBatchMessages {
		return false
	}
	for i, m := range ms {
		if mayCarryDraft(m) {
			return false
		}
		for _, o := range ms[:i] {
			if o.Ref == m.Ref {
				// One statement may not update a row twice, and a
				// row written is told by its ref.
				return false
			}
		}
	}
	return true
}

// upsertMessages runs qSaveMessage for every message at once and sets
// each one's ID and CreatedAt from the row it wrote, found by its ref. It
// returns the messages whose rows it left alone: originals that a copy
// names (copies.go).
func (s *Store) upsertMessages(ctx context.Context, ms []*bot.PostedMessage, args []any) ([]*bot.PostedMessage, error) {
	rows, err := s.w.QueryContext(ctx, saveMessagesSQL(len(ms)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	written := make([]bool, len(ms))
	for rows.Next() {
		var (
			id, created int64
			ref         string
		)
		if err := rows.Scan(&id, &created, &ref); err != nil {
			return nil, err
		}
		for i, m := range ms {
			if m.Ref == ref {
				m.ID, m.CreatedAt = id, fromUS(created)
				written[i] = true
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var left []*bot.PostedMessage
	for i, m := range ms {
		if !written[i] {
			left = append(left, m)
		}
	}
	return left, nil
}

// saveMessagesSQL is qSaveMessage for n messages: eight arguments each,
// in qSaveMessage's order, then qSaveMessage's ninth (an original's
// head) once; each row returned names its record's ref.
func saveMessagesSQL(n int) string {
	head, rest, ok := strings.Cut(qSaveMessage, "VALUES (")
	values, tail, ok2 := strings.Cut(rest, ")\n\tON CONFLICT")
	if !ok || !ok2 {
		panic("sqlstore: qSaveMessage changed shape")
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		b.WriteString(renumber(values, 8*i))
		b.WriteString(")")
	}
	b.WriteString("\n\tON CONFLICT")
	b.WriteString(renumber(tail, 8*n-8))
	b.WriteString(", ref")
	return b.String()
}

// renumber adds off to every placeholder $n of q.
func renumber(q string, off int) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] != '$' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		n := 0
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			n = 10*n + int(q[j]-'0')
			j++
		}
		fmt.Fprintf(&b, "$%d", n+off)
		i = j - 1
	}
	return b.String()
}
