package sqlstore

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/bot"
)

var (
	_ bot.NamesReader = (*Store)(nil)
	_ bot.NamesTx     = (*tx)(nil)
)

const (
	qPersonNames    = `SELECT platform, id, name, email, refreshed_at FROM people ORDER BY platform, id`
	qSavePersonName = `INSERT INTO people (platform, id, name, email, refreshed_at) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (platform, id) DO UPDATE SET name = excluded.name, email = excluded.email, refreshed_at = excluded.refreshed_at`
)

// PersonNames lists every stored display name.
func (s *Store) PersonNames(ctx context.Context) ([]bot.PersonName, error) {
	rows, err := s.rquery(ctx, qPersonNames)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var out []bot.PersonName
	for rows.Next() {
		var p bot.PersonName
		var at int64
		if err := rows.Scan(&p.Platform, &p.ID, &p.Name, &p.Email, &at); err != nil {
			return nil, fmt.Errorf("list people: %w", err)
		}
		p.RefreshedAt = fromUS(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SavePersonName stores or replaces one display name.
func (t *tx) SavePersonName(ctx context.Context, p bot.PersonName) error {
	if _, err := t.exec(ctx, qSavePersonName, p.Platform, p.ID, p.Name, p.Email, us(p.RefreshedAt)); err != nil {
		return fmt.Errorf("save name of %s user %s: %w", p.Platform, p.ID, err)
	}
	return nil
}
