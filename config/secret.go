package config

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// Redacted is what a secret looks like wherever it is printed, logged or
// marshalled.
const Redacted = "<redacted>"

// redactMark stands in for a password while a URL is re-encoded.
const redactMark = "xwarroomredactedx"

// Secret holds a token, password or signing secret. Every way of printing it
// (fmt verbs, JSON, YAML, slog) shows "<redacted>", or "" when it is empty so
// that "not set" stays visible. Reveal is the only way to read it.
type Secret struct{ value string }

// NewSecret wraps a value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the secret itself, for the one place that needs it.
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret holds a value.
func (s Secret) IsSet() bool { return s.value != "" }

func (s Secret) shown() string {
	if s.value == "" {
		return ""
	}
	return Redacted
}

func (s Secret) String() string   { return s.shown() }
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.shown()) }

// Format makes every fmt verb, %#v and %x included, print the redacted form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.shown())
}

// MarshalJSON writes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalYAML writes the redacted form.
func (s Secret) MarshalYAML() (any, error) { return s.shown(), nil }

// LogValue makes slog print the redacted form.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }

// DSN is WARROOM_DB: a SQLite file path or a PostgreSQL URL. A PostgreSQL URL
// may hold a password, so it prints with the password redacted.
type DSN struct{ value string }

// NewDSN wraps a database location.
func NewDSN(v string) DSN { return DSN{value: v} }

// Reveal returns the DSN with its password, for opening the database.
func (d DSN) Reveal() string { return d.value }

// IsPostgres reports whether the DSN is a postgres:// or postgresql:// URL.
func (d DSN) IsPostgres() bool { return isPostgresURL(d.value) }

// HasPassword reports whether the DSN is a PostgreSQL URL carrying a password.
func (d DSN) HasPassword() bool { return d.IsPostgres() && redactDSN(d.value) != d.value }

func (d DSN) String() string   { return redactDSN(d.value) }
func (d DSN) GoString() string { return fmt.Sprintf("%q", redactDSN(d.value)) }

// Format makes every fmt verb print the redacted form.
func (d DSN) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, d.GoString())
		return
	}
	fmt.Fprint(f, redactDSN(d.value))
}

// MarshalJSON writes the redacted form.
func (d DSN) MarshalJSON() ([]byte, error) { return json.Marshal(redactDSN(d.value)) }

// MarshalYAML writes the redacted form.
func (d DSN) MarshalYAML() (any, error) { return redactDSN(d.value), nil }

// LogValue makes slog print the redacted form.
func (d DSN) LogValue() slog.Value { return slog.StringValue(redactDSN(d.value)) }

func isPostgresURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// redactDSN hides the password of a PostgreSQL URL, in its user info and in a
// password query parameter. Anything that is not a PostgreSQL URL is returned
// as it is; a PostgreSQL URL that does not parse is hidden whole.
func redactDSN(s string) string {
	if !isPostgresURL(s) {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Redacted
	}
	changed := false
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), redactMark)
		changed = true
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, redactMark)
			changed = true
		}
	}
	if !changed {
		return s
	}
	u.RawQuery = q.Encode()
	return strings.ReplaceAll(u.String(), redactMark, Redacted)
}

// LooksSecret reports whether a key or attribute name names a secret
// ("token", "password", "routing_key", ...): such a key is refused in the
// file, and the logger redacts its value.
func LooksSecret(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"token", "secret", "password", "passwd", "credential", "routing_key", "private_key", "api_key", "apikey", "authorization", "cookie", "dsn"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}
