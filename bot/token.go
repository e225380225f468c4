package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// TokenRole is what a named API token may do.
type TokenRole string

// The roles of API tokens, each allowed what the one before is and more.
const (
	// RoleViewer reads: incidents, timelines, the audit, the outbox.
	RoleViewer TokenRole = "viewer"
	// RoleResponder also changes incidents: declares, runs commands.
	RoleResponder TokenRole = "responder"
	// RoleAdmin also manages dead letters.
	RoleAdmin TokenRole = "admin"
)

// ParseTokenRole reads a role name.
func ParseTokenRole(s string) (TokenRole, error) {
	switch r := TokenRole(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleViewer, RoleResponder, RoleAdmin:
		return r, nil
	}
	return "", Errorf(CodeInvalid, "role %q: use viewer, responder or admin", s)
}

// Allows reports whether r includes what need allows.
func (r TokenRole) Allows(need TokenRole) bool { return r.rank() >= need.rank() }

func (r TokenRole) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleResponder:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// APIToken is a named API token. Its secret is shown once, when it is
// created; the store keeps only its SHA-256.
type APIToken struct {
	Name      string     `json:"name"`
	Role      TokenRole  `json:"role"`
	ActFor    bool       `json:"act_for_others"` // may name another user in POST /api/v1/commands
	Hash      string     `json:"-"`              // hex SHA-256 of the secret
	CreatedAt time.Time  `json:"created_at"`
	CreatedBy string     `json:"created_by"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// LastUsedAt is when the token last authenticated a request, to
	// TokenUseResolution; nil: never.
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// TokenUseResolution is how often a token's last use is written at most:
// a busy token costs one write a minute, not one per request.
const TokenUseResolution = time.Minute

// Actor is the name the audit records for what the token does.
func (t *APIToken) Actor() string { return TokenActorPrefix + t.Name }

// TokenActorPrefix starts the actor name of a named token ("token:ci"), so
// that no token can pass for a person of the same name.
const TokenActorPrefix = "token:"

// TokenPrefix starts every secret warroom issues, so that scanners can
// recognise a leaked one.
const TokenPrefix = "wrt_"

// TokenReader reads named API tokens.
type TokenReader interface {
	// Tokens lists every token, revoked ones included, by name.
	Tokens(ctx context.Context) ([]APIToken, error)
	// TokenByHash finds the live (not revoked) token with that hash;
	// ErrNotFound when there is none.
	TokenByHash(ctx context.Context, hash string) (*APIToken, error)
}

// TokenTx writes named API tokens.
type TokenTx interface {
	// CreateToken stores t; a live token of the same name is a conflict
	// (ErrTokenExists).
	CreateToken(ctx context.Context, t *APIToken) error
	// RevokeToken marks the live token name revoked at at; ErrNotFound
	// when there is none.
	RevokeToken(ctx context.Context, name string, at time.Time) error
	// TouchToken records a use of the token with that hash at at, unless
	// one at or after since is recorded already.
	TouchToken(ctx context.Context, hash string, at, since time.Time) error
}

// ErrTokenExists is a token name already in use by a live token.
var ErrTokenExists = Errorf(CodeConflict, "a token of that name exists: revoke it first")

var tokenNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// HashToken is the stored form of a secret: hex SHA-256. Secrets are 32
// random bytes, so a fast hash is enough; nothing can be guessed from it.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a named token with role and returns its secret, which
// is never stored and cannot be shown again. actor is who asked.
func (s *Service) CreateToken(ctx context.Context, actor, name string, role TokenRole, actFor bool) (string, error) {
	name = strings.TrimSpace(name)
	if !tokenNameRe.MatchString(name) {
		return "", Errorf(CodeInvalid, "token name %q: lower-case letters, digits, '.', '_' and '-', at most 63", name)
	}
	if role.rank() == 0 {
		return "", Errorf(CodeInvalid, "role %q: use viewer, responder or admin", role)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t := &APIToken{Name: name, Role: role, ActFor: actFor, Hash: HashToken(secret), CreatedAt: s.Now(), CreatedBy: normalizeUser(actor)}
	err := s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.CreateToken(ctx, t); err != nil {
			return err
		}
		return tx.AddAudit(ctx, &AuditRecord{At: t.CreatedAt, Actor: t.CreatedBy, Action: "token.create",
			After: map[string]any{"name": name, "role": string(role), "act_for_others": actFor}})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RevokeToken revokes the live token name at once.
func (s *Service) RevokeToken(ctx context.Context, actor, name string) error {
	at := s.Now()
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.RevokeToken(ctx, name, at); err != nil {
			if errors.Is(err, ErrNotFound) {
				return Errorf(CodeNotFound, "no live token %q", name)
			}
			return err
		}
		return tx.AddAudit(ctx, &AuditRecord{At: at, Actor: normalizeUser(actor), Action: "token.revoke",
			Before: map[string]any{"name": name}})
	})
}

// Tokens lists every token, revoked ones included.
func (s *Service) Tokens(ctx context.Context) ([]APIToken, error) { return s.store.Tokens(ctx) }

// Authenticate finds the live token whose secret is secret; a wrong or
// revoked one is CodeUnauthorized.
func (s *Service) Authenticate(ctx context.Context, secret string) (*APIToken, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, Errorf(CodeUnauthorized, "unknown token")
	}
	t, err := s.store.TokenByHash(ctx, HashToken(secret))
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(CodeUnauthorized, "unknown token")
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if since := now.Add(-TokenUseResolution); t.LastUsedAt == nil || t.LastUsedAt.Before(since) {
		// A failed write loses a last-use time, never a request.
		if err := s.store.InTx(ctx, func(tx Tx) error { return tx.TouchToken(ctx, t.Hash, now, since) }); err != nil {
			s.log.Warn("record token use", "token", t.Name, "err", err)
		} else {
			t.LastUsedAt = &now
		}
	}
	return t, nil
}

// RecordAudit writes one audit record of its own: what an entry point
// knows that the change it makes does not (a token acting for a person).
func (s *Service) RecordAudit(ctx context.Context, actor, action string, incident int64, after map[string]any) error {
	rec := &AuditRecord{At: s.Now(), Actor: normalizeUser(actor), Action: action, Incident: incident, After: after}
	return s.store.InTx(ctx, func(tx Tx) error { return tx.AddAudit(ctx, rec) })
}
