package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Validate checks the settings the environment may have changed, and
// fills in what derives from others (the public URL). Errors name the
// variable that set a value, or its key.
func (c *Config) Validate() error {
	var errs []error
	add := func(key string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", key, err))
		}
	}
	add(c.name("addr"), checkAddr(c.Addr))
	add(c.name("db"), checkDB(c.DB))
	switch sync := strings.ToLower(strings.TrimSpace(c.DBSynchronous)); {
	case sync != "normal" && sync != "full":
		add(c.name("db_synchronous"), fmt.Errorf("%q is not one of normal, full", c.DBSynchronous))
	case sync == "full" && c.DB.IsPostgres():
		add(c.name("db_synchronous"), errors.New("applies to SQLite only: PostgreSQL's durability is its server's synchronous_commit and fsync"))
	default:
		c.DBSynchronous = sync
	}
	switch sc := strings.ToLower(strings.TrimSpace(c.DBSyncCommit)); {
	case sc != "server" && sc != "off":
		add(c.name("db_synchronous_commit"), fmt.Errorf("%q is not one of server, off", c.DBSyncCommit))
	case sc == "off" && !c.DB.IsPostgres():
		add(c.name("db_synchronous_commit"), errors.New("applies to PostgreSQL only: SQLite's is db_synchronous"))
	default:
		c.DBSyncCommit = sc
	}
	if c.DBMaxConns < 1 {
		add(c.name("db_max_conns"), fmt.Errorf("%d: at least one connection", c.DBMaxConns))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "warning", "error":
		c.LogLevel = strings.ToLower(c.LogLevel)
	default:
		add(c.name("log_level"), fmt.Errorf("%q is not one of debug, info, warn, error", c.LogLevel))
	}
	switch strings.ToLower(c.LogFormat) {
	case "text", "json":
		c.LogFormat = strings.ToLower(c.LogFormat)
	default:
		add(c.name("log_format"), fmt.Errorf("%q is not one of text, json", c.LogFormat))
	}
	if c.PublicURL == "" && checkAddr(c.Addr) == nil {
		c.PublicURL = "http://" + publicHost(c.Addr)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	add(c.name("public_url"), checkURL(c.PublicURL))
	ch := strings.TrimPrefix(strings.TrimSpace(c.AnnounceChannel), "#")
	if strings.ContainsFunc(ch, isSpaceOrControl) || len(ch) > 80 {
		add("announce_channel", fmt.Errorf("%q is not a channel name", c.AnnounceChannel))
	}
	c.AnnounceChannel = ch
	for i, r := range c.Roles {
		r = strings.ToLower(strings.TrimSpace(r))
		if r == "" || strings.ContainsFunc(r, isSpaceOrControl) || strings.Contains(r, "@") {
			add(fmt.Sprintf("roles[%d]", i), fmt.Errorf("%q is not a role name: one word, no @", c.Roles[i]))
		}
		c.Roles[i] = r
	}
	for name, u := range map[string]string{
		"SLACK_API_URL": c.Slack.APIURL, "DISCORD_API_URL": c.Discord.APIURL,
		"PAGERDUTY_API_URL": c.PagerDuty.APIURL, "PAGERDUTY_EVENTS_URL": c.PagerDuty.EventsURL,
		"JIRA_URL": c.Jira.URL, "SERVICENOW_URL": c.ServiceNow.URL,
	} {
		if u != "" {
			add(name, checkURL(u))
		}
	}
	errs = append(errs, c.Slack.validate()...)
	errs = append(errs, c.Jira.validate()...)
	errs = append(errs, c.ServiceNow.validate()...)
	errs = append(errs, c.Discord.validate()...)
	errs = append(errs, c.Access.OIDC.validate()...)
	if checkAddr(c.Addr) == nil && !isLoopback(c.Addr) && !c.APIToken.IsSet() {
		add("WARROOM_API_TOKEN", fmt.Errorf("required when %s (%s) is not a loopback address: the web console and the API would be open to the network", c.name("addr"), c.Addr))
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// SlogLevel is the log level as slog knows it.
func (c *Config) SlogLevel() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Public reports whether the server listens beyond loopback, which makes
// the web console require a login.
func (c *Config) Public() bool { return !isLoopback(c.Addr) }

// isLoopback reports whether addr's host is a loopback address or
// "localhost". An empty host listens on every interface: not loopback.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// publicHost is addr as a URL host: an unspecified host becomes localhost.
func publicHost(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

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

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
