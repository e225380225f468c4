package sqlstore

import (
	"context"
	"fmt"
	"time"
)

const qMarkSeen = `INSERT INTO seen (source, key, at) VALUES ($1, $2, $3) ON CONFLICT (source, key) DO NOTHING`

// MarkSeen records source and key, reporting whether they were new.
func (t *tx) MarkSeen(ctx context.Context, source, key string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, qMarkSeen, source, key, us(at))
	if err != nil {
		return false, fmt.Errorf("mark %s %s seen: %w", source, key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("mark %s %s seen: %w", source, key, err)
	}
	return n == 1, nil
}
