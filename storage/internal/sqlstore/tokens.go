package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

const (
	tokenCols    = `hash, name, role, act_for, created_at, created_by, revoked_at, last_used_at`
	qCreateToken = `INSERT INTO api_tokens (` + tokenCols + `) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL) ON CONFLICT DO NOTHING`
	qRevokeToken = `UPDATE api_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL`
	qTokens      = `SELECT ` + tokenCols + ` FROM api_tokens ORDER BY name, created_at`
	qTokenByHash = `SELECT ` + tokenCols + ` FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL`
	qTouchToken  = `UPDATE api_tokens SET last_used_at = $2 WHERE hash = $1 AND (last_used_at IS NULL OR last_used_at < $3)`
)

func scanToken(row scanner) (*bot.APIToken, error) {
	var (
		t       bot.APIToken
		role    string
		actFor  int64
		created int64
		revoked sql.NullInt64
		used    sql.NullInt64
	)
	if err := row.Scan(&t.Hash, &t.Name, &role, &actFor, &created, &t.CreatedBy, &revoked, &used); err != nil {
		return nil, err
	}
	t.Role, t.ActFor, t.CreatedAt, t.RevokedAt = bot.TokenRole(role), actFor != 0, fromUS(created), fromNullPtr(revoked)
	t.LastUsedAt = fromNullPtr(used)
	return &t, nil
}

// CreateToken stores t; a live token of the same name is bot.ErrTokenExists.
func (t *tx) CreateToken(ctx context.Context, tok *bot.APIToken) error {
	actFor := 0
	if tok.ActFor {
		actFor = 1
	}
	res, err := t.exec(ctx, qCreateToken, tok.Hash, tok.Name, string(tok.Role), actFor, us(tok.CreatedAt), tok.CreatedBy)
	if err != nil {
		return fmt.Errorf("create token %s: %w", tok.Name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("create token %s: %w", tok.Name, err)
		}
		return bot.ErrTokenExists
	}
	return nil
}

// RevokeToken marks the live token name revoked.
func (t *tx) RevokeToken(ctx context.Context, name string, at time.Time) error {
	res, err := t.exec(ctx, qRevokeToken, name, us(at))
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", name, err)
	}
	return affected(res, "revoke token "+name)
}

// TouchToken records that the token with that hash was used at at, unless
// a use at or after since is recorded already (another replica's).
func (t *tx) TouchToken(ctx context.Context, hash string, at, since time.Time) error {
	if _, err := t.exec(ctx, qTouchToken, hash, us(at), us(since)); err != nil {
		return fmt.Errorf("record token use: %w", err)
	}
	return nil
}

// Tokens lists every token, revoked ones included.
func (s *Store) Tokens(ctx context.Context) ([]bot.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, qTokens)
	if err != nil {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	defer rows.Close()
	var out []bot.APIToken
	for rows.Next() {
		tok, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("read tokens: %w", err)
		}
		out = append(out, *tok)
	}
	return out, rows.Err()
}

// TokenByHash finds the live token with that hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*bot.APIToken, error) {
	tok, err := scanToken(s.rqueryRow(ctx, qTokenByHash, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read token: %w", bot.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return tok, nil
}
