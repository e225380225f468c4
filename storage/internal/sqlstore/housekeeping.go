package sqlstore

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// Housekeeping: what is kept only for a while. Each cutoff is served by an
// index (seen_at, outbox_dead_next); timers are few once fired, and the
// janitor runs rarely.

const (
	qPurgeSeen   = `DELETE FROM seen WHERE at < $1`
	qPurgeDead   = `DELETE FROM outbox_dead WHERE next_at < $1`
	qPurgeTimers = `DELETE FROM timers WHERE fired_at < $1 OR canceled_at < $1`
)

// Purge deletes the seen keys, dead jobs and spent timers older than the
// cutoffs; a zero cutoff keeps everything of its kind.
func (s *Store) Purge(ctx context.Context, before bot.PurgeBefore) (bot.Purged, error) {
	var out bot.Purged
	steps := []struct {
		q    string
		at   int64
		skip bool
		n    *int
		what string
	}{
		{qPurgeSeen, us(before.Seen), before.Seen.IsZero(), &out.Seen, "seen keys"},
		{qPurgeDead, us(before.Dead), before.Dead.IsZero(), &out.Dead, "dead jobs"},
		{qPurgeTimers, us(before.Timers), before.Timers.IsZero(), &out.Timers, "spent timers"},
	}
	for _, st := range steps {
		if st.skip {
			continue
		}
		res, err := s.wexec(ctx, st.q, st.at)
		if err != nil {
			return out, fmt.Errorf("purge %s: %w", st.what, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return out, fmt.Errorf("purge %s: %w", st.what, err)
		}
		*st.n = int(n)
	}
	return out, nil
}
