package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// caller is who a request comes from: the bootstrap token
// (WARROOM_API_TOKEN, an admin that may act for others, acting as
// DefaultUser) or a named token (acting as "token:NAME").
type caller struct {
	actor  string
	role   bot.TokenRole
	actFor bool
}

// viewer is who reads through the API: an admin token sees every private
// incident; another token, none (a token holds no role in an incident).
func (c caller) viewer() bot.Viewer {
	return bot.Viewer{User: c.actor, SeePrivate: c.role == bot.RoleAdmin}
}

// handler is a route's handler, told who calls.
type handler func(w http.ResponseWriter, r *http.Request, c caller)

// plain adapts a handler that does not need to know who calls.
func plain(h http.HandlerFunc) handler {
	return func(w http.ResponseWriter, r *http.Request, _ caller) { h(w, r) }
}

// guard lets a request through only with a valid bearer token whose role
// allows need: a missing or wrong token is 401, a token whose role is too
// small 403.
func (a *API) guard(need bot.TokenRole, next handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := httpx.BearerToken(r)
		if got == "" {
			if a.token == "" {
				deny(w, "the JSON API is disabled until WARROOM_API_TOKEN is set or a token is created (warroom token create)")
				return
			}
			deny(w, "missing bearer token: send Authorization: Bearer $WARROOM_API_TOKEN")
			return
		}
		c, ok := a.identify(r.Context(), got)
		if !ok {
			if a.token == "" {
				deny(w, "the JSON API is disabled until WARROOM_API_TOKEN is set or a token is created (warroom token create)")
				return
			}
			deny(w, "wrong bearer token")
			return
		}
		if !c.role.Allows(need) {
			httpx.WriteError(w, http.StatusForbidden, "this token's role ("+string(c.role)+") may not do this: it needs "+string(need))
			return
		}
		next(w, r, c)
	})
}

// identify finds who a bearer token belongs to.
func (a *API) identify(ctx context.Context, token string) (caller, bool) {
	if httpx.TokenEqual(token, a.token) {
		return caller{actor: DefaultUser, role: bot.RoleAdmin, actFor: true}, true
	}
	if !strings.HasPrefix(token, bot.TokenPrefix) {
		return caller{}, false
	}
	t, err := a.svc.Authenticate(ctx, token)
	if err != nil {
		if bot.ErrorCode(err) != bot.CodeUnauthorized {
			a.log.Error("authenticate API token", "err", err)
		}
		return caller{}, false
	}
	return caller{actor: t.Actor(), role: t.Role, actFor: t.ActFor}, true
}

// actingAs is the user a request acts as: the caller itself, or the user
// it names when the caller may act for others. Acting for another is
// recorded in the audit under the caller's own name, next to the change
// the named user makes, so the audit keeps both.
func (a *API) actingAs(ctx context.Context, c caller, user, what string) (string, error) {
	user = strings.TrimSpace(user)
	if user == "" || user == c.actor {
		return c.actor, nil
	}
	if !c.actFor {
		return "", bot.Errorf(bot.CodeForbidden, `this token may not act for others: leave "user" out`)
	}
	if strings.HasPrefix(strings.TrimPrefix(user, "@"), bot.TokenActorPrefix) {
		return "", bot.Errorf(bot.CodeForbidden, `"user" may not name a token`)
	}
	if err := a.svc.RecordAudit(ctx, c.actor, "api.act_for", 0, map[string]any{"user": user, "request": what}); err != nil {
		return "", err
	}
	return user, nil
}

func deny(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
	httpx.WriteError(w, http.StatusUnauthorized, msg)
}
