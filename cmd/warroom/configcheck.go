package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// checkAddr accepts host:port with a numeric port; the host may be empty
// (every interface), an IP address or a host name.
func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	if host != "" && net.ParseIP(host) == nil && !isHostName(host) {
		return fmt.Errorf("%q: %q is neither an IP address nor a host name", addr, host)
	}
	return nil
}

func isHostName(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// checkURL accepts an absolute http or https URL without user info.
// Messages never repeat the URL's user info.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an http:// or https:// URL", u.Redacted())
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", u.Redacted())
	}
	if u.User != nil {
		return fmt.Errorf("%q must not carry a user or password; they have their own settings", u.Redacted())
	}
	return nil
}

// checkDB accepts a SQLite file path or a postgres:// URL. Messages never
// show the password.
func checkDB(d DSN) error {
	v := d.Reveal()
	switch {
	case strings.TrimSpace(v) == "":
		return errors.New("empty: give a SQLite file path or a postgres:// URL")
	case d.IsPostgres():
		u, err := url.Parse(v)
		if err != nil {
			return errors.New("not a valid postgres:// URL")
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return fmt.Errorf("%s has no host", d)
		}
	case strings.Contains(v, "://"):
		return fmt.Errorf("%q: only postgres:// and postgresql:// URLs are databases; anything else is a SQLite file path", redactDSN(v))
	case strings.ContainsRune(v, 0):
		return errors.New("the path contains a NUL byte")
	}
	return nil
}

// checkHexKey accepts "" or a hex-encoded Ed25519 public key (32 bytes).
func checkHexKey(s string) error {
	if s == "" {
		return nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return errors.New("not a hex-encoded Ed25519 public key (64 hex digits)")
	}
	return nil
}

// parseDuration reads Go durations ("90s", "1h30m") plus days and weeks
// ("3d", "2w", "1d12h"). Negative durations are refused; "0" means no target.
func parseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("invalid duration %q: empty", s)
	}
	if t == "0" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	var total time.Duration
	for _, unit := range []struct {
		suffix byte
		d      time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := strings.IndexByte(t, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.Atoi(t[:i])
		if err != nil || n < 0 || n > 10000 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		total += time.Duration(n) * unit.d
		t = t[i+1:]
	}
	if t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("invalid duration %q (e.g. 90s, 15m, 4h, 3d)", s)
		}
		total += d
	}
	return total, nil
}

// formatDuration writes a duration the way parseDuration reads it, short:
// 5m, 4h, 1h30m, 3d, 14d.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	day := 24 * time.Hour
	var out string
	if d >= day {
		out = strconv.FormatInt(int64(d/day), 10) + "d"
		d %= day
		if d == 0 {
			return out
		}
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return out + s
}
