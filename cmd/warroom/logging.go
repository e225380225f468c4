package main

import (
	"io"
	"log/slog"
	"regexp"

	"github.com/warroom/warroom/config"
)

// newLogger builds the process logger: text or JSON, at level, with every
// attribute whose key names a secret redacted and every password in a URL
// hidden.
func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// urlPassword matches the password of a URL's user info: scheme://user:PASSWORD@.
var urlPassword = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]*:)[^\s@/]*@`)

// redactAttr is the handlers' ReplaceAttr. Values arrive resolved, so a
// Secret has already become "<redacted>"; this catches plain strings logged
// under a secret-looking key ("token", "password", "authorization", ...) and
// URLs with a password inside any string or error (a database driver's
// error may quote its connection string).
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindGroup:
		return a
	case slog.KindString:
		s := a.Value.String()
		if config.LooksSecret(a.Key) && s != "" {
			return slog.String(a.Key, config.Redacted)
		}
		if dsn := config.NewDSN(s); dsn.IsPostgres() {
			return slog.String(a.Key, dsn.String())
		}
		if t := hideURLPasswords(s); t != s {
			return slog.String(a.Key, t)
		}
	case slog.KindAny:
		if config.LooksSecret(a.Key) {
			return slog.String(a.Key, config.Redacted)
		}
		if err, ok := a.Value.Any().(error); ok && err != nil {
			if s := err.Error(); hideURLPasswords(s) != s {
				return slog.String(a.Key, hideURLPasswords(s))
			}
		}
	default:
		if config.LooksSecret(a.Key) {
			return slog.String(a.Key, config.Redacted)
		}
	}
	return a
}

// hideURLPasswords replaces the password of every URL in s.
func hideURLPasswords(s string) string {
	return urlPassword.ReplaceAllString(s, "${1}"+config.Redacted+"@")
}
