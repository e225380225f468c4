package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// alertCols are the columns a bundle's alerts are written with; reads add
// the silence base, stored once (silences.go) or, in older rows, in the
// row, which scanAlert turns back into the silence link, and whether the
// title is the summary annotation (schema 39).
const (
	alertCols     = `id, source, fingerprint, starts_at, group_key, status, title, labels, annotations, ends_at, url, incident, window_id, rule`
	alertReadCols = alertCols + `, COALESCE((SELECT base FROM silence_bases WHERE id = alerts.silence), silence_base), title_summary`
)

const (
	qInsertAlert = `INSERT INTO alerts (source, fingerprint, starts_at, group_key, status, title, labels, annotations, ends_at, url, incident, window_id, received_at, rule, silence, title_summary)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (source, fingerprint, starts_at) DO NOTHING`
	qAlertByKey = `SELECT ` + alertReadCols + ` FROM alerts WHERE source = $1 AND fingerprint = $2 AND starts_at = $3`
	// qAlertEpisodes: the firing alerts of (source, fingerprint) and the
	// one with the latest start, latest first (senders without start times).
	qAlertEpisodes = `SELECT ` + alertReadCols + ` FROM alerts WHERE source = $1 AND fingerprint = $2
	AND (status = 'firing' OR starts_at = (SELECT MAX(starts_at) FROM alerts WHERE source = $1 AND fingerprint = $2))
	ORDER BY starts_at DESC LIMIT 100`
	qResolveAlert = `UPDATE alerts SET status = 'resolved', ends_at = $2 WHERE id = $1`
	qAlertGroup   = `SELECT group_key, incident, updated_at FROM alert_groups WHERE group_key = $1`
	qSaveGroup    = `INSERT INTO alert_groups (group_key, incident, updated_at) VALUES ($1, $2, $3) ON CONFLICT (group_key) DO UPDATE SET incident = excluded.incident, updated_at = excluded.updated_at`
	// The alerts of an incident, of a window, or all: each on its own
	// index (a parameter that may be 0 hides the index from the planner).
	qAlertsOfIncident = `SELECT ` + alertReadCols + ` FROM alerts WHERE incident = $1 AND ($2 = 0 OR window_id = $2) AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4`
	qAlertsOfWindow   = `SELECT ` + alertReadCols + ` FROM alerts WHERE window_id = $2 AND $1 = 0 AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4`
	qAlertsAll        = `SELECT ` + alertReadCols + ` FROM alerts WHERE $1 = 0 AND $2 = 0 AND ($3 = '' OR status = $3) ORDER BY id LIMIT $4`
	qAddSuppressed    = `UPDATE maintenance_windows SET suppressed = suppressed + $2 WHERE id = $1`
)

// summary is the annotation an alert's title is read back from when
// title_summary is set.
const summary = "summary"

func scanAlert(row scanner) (*bot.Alert, error) {
	var (
		a                         bot.Alert
		starts                    int64
		status, labels, ann, base string
		ends, inc, win            sql.NullInt64
		titleSummary              int64
	)
	if err := row.Scan(&a.ID, &a.Source, &a.Fingerprint, &starts, &a.GroupKey, &status, &a.Title, &labels, &ann,
		&ends, &a.URL, &inc, &win, &a.Rule, &base, &titleSummary); err != nil {
		return nil, err
	}
	a.StartsAt, a.Status, a.EndsAt = fromUS(starts), bot.AlertStatus(status), fromNullPtr(ends)
	a.Incident, a.Window = inc.Int64, win.Int64
	if err := decode(labels, &a.Labels); err != nil {
		return nil, err
	}
	if err := decode(ann, &a.Annotations); err != nil {
		return nil, err
	}
	if titleSummary != 0 {
		a.Title = a.Annotations[summary]
	}
	if base != "" {
		if link := bot.AlertmanagerSilenceURL(base, a.Labels); link != "" {
			if a.Annotations == nil {
				a.Annotations = map[string]string{}
			}
			a.Annotations[bot.AnnotationSilence] = link
		}
	}
	return &a, nil
}

// InsertAlert stores a unless its (source, fingerprint, starts_at) is stored.
func (t *tx) InsertAlert(ctx context.Context, a *bot.Alert, receivedAt time.Time) (bool, error) {
	labels, err := encodeLabels(a.Labels)
	if err != nil {
		return false, err
	}
	// A silence link warroom can make again from the labels is stored as
	// its base: it repeats every label and would be a third of the row.
	var base, ann string
	if link, ok := a.Annotations[bot.AnnotationSilence]; ok {
		base = bot.AlertmanagerSilenceBase(link, a.Labels)
	}
	if base != "" {
		ann, err = encodeLabelsWithout(a.Annotations, bot.AnnotationSilence)
	} else {
		ann, err = encodeLabels(a.Annotations)
	}
	if err != nil {
		return false, err
	}
	var silence int64
	if base != "" {
		if silence, err = t.silenceID(ctx, base); err != nil {
			return false, fmt.Errorf("insert alert: silence base: %w", err)
		}
	}
	// A title that is the summary annotation is read back from it.
	title, titleSummary := a.Title, 0
	if title != "" && title == a.Annotations[summary] {
		title, titleSummary = "", 1
	}
	if a.Rule == "" {
		a.Rule = bot.AlertRule(*a)
	}
	id, err := t.insert(ctx, qInsertAlert, a.Source, a.Fingerprint, us(a.StartsAt), a.GroupKey, string(a.Status), title,
		labels, ann, usPtr(a.EndsAt), a.URL, nullID(a.Incident), nullID(a.Window), us(receivedAt), a.Rule, nullID(silence), titleSummary)
	if err != nil {
		if base != "" {
			t.s.silences.forget(base)
		}
		return false, fmt.Errorf("insert alert: %w", err)
	}
	if id == 0 {
		return false, nil
	}
	a.ID = id
	return true, nil
}

// AlertByKey reads one alert by its identity, in the transaction.
func (t *tx) AlertByKey(ctx context.Context, source, fingerprint string, startsAt time.Time) (*bot.Alert, error) {
	return oneAlert(t.queryRow(ctx, qAlertByKey, source, fingerprint, us(startsAt)))
}

// AlertEpisodes reads the firing alerts of source and fingerprint and the
// latest one, latest start first, in the transaction.
func (t *tx) AlertEpisodes(ctx context.Context, source, fingerprint string) ([]bot.Alert, error) {
	rows, err := t.query(ctx, qAlertEpisodes, source, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("read alert episodes: %w", err)
	}
	return scanAlerts(rows, "read alert episodes")
}

// StoredAlertEpisodes reads the firing alerts of source and fingerprint and
// the latest one, latest start first.
func (s *Store) StoredAlertEpisodes(ctx context.Context, source, fingerprint string) ([]bot.Alert, error) {
	rows, err := s.r.QueryContext(ctx, qAlertEpisodes, source, fingerprint)
	if err != nil {
		return nil, fmt.Errorf("read alert episodes: %w", err)
	}
	return scanAlerts(rows, "read alert episodes")
}

// StoredAlert reads one alert by its identity.
func (s *Store) StoredAlert(ctx context.Context, source, fingerprint string, startsAt time.Time) (*bot.Alert, error) {
	return oneAlert(s.r.QueryRowContext(ctx, qAlertByKey, source, fingerprint, us(startsAt)))
}

func oneAlert(row *sql.Row) (*bot.Alert, error) {
	a, err := scanAlert(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read alert: %w", bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read alert: %w", err)
	}
	return a, nil
}

// ResolveAlert marks an alert resolved.
func (t *tx) ResolveAlert(ctx context.Context, id int64, endsAt *time.Time) error {
	res, err := t.exec(ctx, qResolveAlert, id, usPtr(endsAt))
	if err != nil {
		return fmt.Errorf("resolve alert: %w", err)
	}
	return affected(res, "resolve alert")
}

// AlertGroup reads a group in the transaction.
func (t *tx) AlertGroup(ctx context.Context, key string) (bot.AlertGroup, error) {
	return oneGroup(t.queryRow(ctx, qAlertGroup, key))
}

// StoredAlertGroup reads a group.
func (s *Store) StoredAlertGroup(ctx context.Context, key string) (bot.AlertGroup, error) {
	return oneGroup(s.r.QueryRowContext(ctx, qAlertGroup, key))
}

func oneGroup(row *sql.Row) (bot.AlertGroup, error) {
	var (
		g  bot.AlertGroup
		at int64
	)
	err := row.Scan(&g.Key, &g.Incident, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return bot.AlertGroup{}, fmt.Errorf("read alert group: %w", bot.ErrNotFound)
	}
	if err != nil {
		return bot.AlertGroup{}, fmt.Errorf("read alert group: %w", err)
	}
	g.UpdatedAt = fromUS(at)
	return g, nil
}

// SaveAlertGroup creates or replaces a group.
func (t *tx) SaveAlertGroup(ctx context.Context, g bot.AlertGroup) error {
	if _, err := t.exec(ctx, qSaveGroup, g.Key, g.Incident, us(g.UpdatedAt)); err != nil {
		return fmt.Errorf("save alert group: %w", err)
	}
	return nil
}

// Alerts lists stored alerts, oldest first.
func (s *Store) Alerts(ctx context.Context, f bot.AlertFilter) ([]bot.Alert, error) {
	q := qAlertsAll
	switch {
	case f.Incident != 0:
		q = qAlertsOfIncident
	case f.Window != 0:
		q = qAlertsOfWindow
	}
	rows, err := s.r.QueryContext(ctx, q, f.Incident, f.Window, string(f.Status), limitArg(f.Limit))
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	return scanAlerts(rows, "list alerts")
}

func scanAlerts(rows *sql.Rows, what string) ([]bot.Alert, error) {
	defer rows.Close()
	var out []bot.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// LockAlertGroup holds key's group until the transaction ends.
func (t *tx) LockAlertGroup(ctx context.Context, key string) error {
	if t.s.d.GroupLock == "" {
		return nil
	}
	if _, err := t.tx.ExecContext(ctx, t.s.d.GroupLock, key); err != nil {
		return fmt.Errorf("lock alert group: %w", err)
	}
	return nil
}

// AddSuppressed counts alerts a window suppressed.
func (t *tx) AddSuppressed(ctx context.Context, id int64, n int64) error {
	res, err := t.exec(ctx, qAddSuppressed, id, n)
	if err != nil {
		return fmt.Errorf("count suppressed alerts: %w", err)
	}
	return affected(res, "count suppressed alerts")
}
