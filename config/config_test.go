package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/engine/outbox"
	"github.com/warroom/warroom/integrations/console"
	"github.com/warroom/warroom/integrations/generic"
	"github.com/warroom/warroom/integrations/jira"
	"github.com/warroom/warroom/integrations/servicenow"
)

// env is a fake environment.
func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// writeFile writes content to a file in a temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := Load("", env())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"addr", c.Addr, "127.0.0.1:8080"},
		{"db", c.DB.Reveal(), "warroom.db"},
		{"public_url", c.PublicURL, "http://127.0.0.1:8080"},
		{"log_level", c.LogLevel, "info"},
		{"log_format", c.LogFormat, "text"},
		{"announce_channel", c.AnnounceChannel, "incidents"},
		{"ticket_threshold", c.TicketThreshold, bot.SEV2},
		{"outbox", c.Outbox, Outbox{MaxFailures: 25, MaxFailureAge: 24 * time.Hour, Lease: 8 * time.Second, Batch: 32, Concurrency: 8}},
		{"public", c.Public(), false},
		{"api token", c.APIToken.IsSet(), false},
		{"file", c.File, ""},
	}
	for _, ck := range checks {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ck.name, diff)
		}
	}
	if diff := cmp.Diff(bot.DefaultSLAs(), c.SLAs); diff != "" {
		t.Errorf("SLAs (-want +got):\n%s", diff)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	path := writeFile(t, "warroom.yaml", `
addr: 127.0.0.1:9000
db: /var/lib/warroom/file.db
log_level: debug
announce_channel: "#major-incidents"
ticket_threshold: sev3
roles: [Liaison, security]
severities:
  sev1: {acknowledge: 2m, update_cadence: 30m, postmortem_due: 5d}
  SEV4: {resolve: 2w}
outbox: {max_failures: 3, max_failure_age: 2h, lease: 1m, batch: 8, concurrency: 4, lanes: {jira: 2}}
`)
	c, err := Load("", env(
		"WARROOM_CONFIG", path,
		"WARROOM_ADDR", "127.0.0.1:9999",
		"WARROOM_LOG_FORMAT", "JSON",
		"WARROOM_PUBLIC_URL", "https://warroom.example.com/",
		"JIRA_URL", "https://jira.example.com", "JIRA_TOKEN", "t", "JIRA_PROJECT", "OPS", // Jira needs all three
		"WARROOM_LOG_LEVEL", "", // empty counts as unset: the file's debug stays
		"WARROOM_DB_MAX_CONNS", "24",
	))
	if err != nil {
		t.Fatal(err)
	}
	if c.File != path {
		t.Errorf("File = %q, want %q", c.File, path)
	}
	if c.Addr != "127.0.0.1:9999" {
		t.Errorf("Addr = %q: the environment must win over the file", c.Addr)
	}
	if c.DBMaxConns != 24 {
		t.Errorf("DBMaxConns = %d, want 24 from WARROOM_DB_MAX_CONNS", c.DBMaxConns)
	}
	if c.DB.Reveal() != "/var/lib/warroom/file.db" || c.LogLevel != "debug" || c.LogFormat != "json" {
		t.Errorf("DB, LogLevel, LogFormat = %q, %q, %q", c.DB.Reveal(), c.LogLevel, c.LogFormat)
	}
	if c.PublicURL != "https://warroom.example.com" {
		t.Errorf("PublicURL = %q", c.PublicURL)
	}
	if c.AnnounceChannel != "major-incidents" || c.TicketThreshold != bot.SEV3 {
		t.Errorf("AnnounceChannel, TicketThreshold = %q, %v", c.AnnounceChannel, c.TicketThreshold)
	}
	if diff := cmp.Diff([]string{"liaison", "security"}, c.Roles); diff != "" {
		t.Errorf("Roles (-want +got):\n%s", diff)
	}
	want := bot.DefaultSLAs()
	want[bot.SEV1] = bot.SLA{Acknowledge: 2 * time.Minute, Resolve: 4 * time.Hour, UpdateCadence: 30 * time.Minute, PostmortemDue: 120 * time.Hour}
	want[bot.SEV4] = bot.SLA{Acknowledge: 24 * time.Hour, Resolve: 14 * 24 * time.Hour}
	if diff := cmp.Diff(want, c.SLAs); diff != "" {
		t.Errorf("SLAs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Outbox{MaxFailures: 3, MaxFailureAge: 2 * time.Hour, Lease: time.Minute, Batch: 8, Concurrency: 4, Lanes: map[string]int{"jira": 2}}, c.Outbox); diff != "" {
		t.Errorf("Outbox (-want +got):\n%s", diff)
	}
	if c.Jira.URL != "https://jira.example.com" {
		t.Errorf("Jira.URL = %q", c.Jira.URL)
	}
}

func TestConfigFlagBeatsWarroomConfig(t *testing.T) {
	flagFile := writeFile(t, "a.yaml", "addr: 127.0.0.1:1111\n")
	envFile := writeFile(t, "b.yaml", "addr: 127.0.0.1:2222\n")
	c, err := Load(flagFile, env("WARROOM_CONFIG", envFile))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:1111" {
		t.Errorf("Addr = %q, want the --config file's", c.Addr)
	}
}

func TestAnnounceChannel(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"absent", "addr: 127.0.0.1:8080\n", "incidents"},
		{"empty turns it off", "announce_channel: \"\"\n", ""},
		{"no value turns it off", "announce_channel:\n", ""},
		{"hash stripped", "announce_channel: \"#ops\"\n", "ops"},
		{"empty file", "", "incidents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(writeFile(t, "c.yaml", tc.yaml), env())
			if err != nil {
				t.Fatal(err)
			}
			if c.AnnounceChannel != tc.want {
				t.Errorf("AnnounceChannel = %q, want %q", c.AnnounceChannel, tc.want)
			}
		})
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := Load("", env(
		"WARROOM_API_TOKEN_FILE", write("api", "api-s3cret\n"),
		"SLACK_SIGNING_SECRET_FILE", write("slack", "sign-s3cret\r\n"),
		"WARROOM_DB_FILE", write("db", "postgres://warroom:pw@db.internal:5432/warroom\n"),
		"WARROOM_WEBHOOK_TOKEN", "hook-s3cret",
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range []struct{ name, got, want string }{
		{"api token", c.APIToken.Reveal(), "api-s3cret"},
		{"slack signing secret", c.Slack.SigningSecret.Reveal(), "sign-s3cret"},
		{"db", c.DB.Reveal(), "postgres://warroom:pw@db.internal:5432/warroom"},
		{"webhook token", c.WebhookToken.Reveal(), "hook-s3cret"},
	} {
		if ck.got != ck.want {
			t.Errorf("%s = %q, want %q", ck.name, ck.got, ck.want)
		}
	}
	if !c.DB.IsPostgres() {
		t.Error("DB is not PostgreSQL")
	}
}

func TestLoadErrors(t *testing.T) {
	tokenFile := writeFile(t, "token", "from-file\n")
	emptyFile := writeFile(t, "empty", "\n")
	for _, tc := range []struct {
		name string
		yaml string   // "" for no file
		env  []string // extra variables
		want string   // the error contains this
	}{
		{name: "unknown top-level key", yaml: "adress: 127.0.0.1:8080\n", want: "adress: unknown key"},
		{name: "unknown nested key", yaml: "severities:\n  sev1: {ack: 5m}\n", want: "severities.sev1.ack: unknown key"},
		{name: "unknown outbox key", yaml: "outbox: {workers: 3}\n", want: "outbox.workers: unknown key"},
		{name: "renamed outbox key", yaml: "outbox: {max_attempts: 10}\n", want: "outbox.max_attempts: no longer read: set outbox.max_failures"},
		{name: "bad duration", yaml: "severities:\n  sev1:\n    acknowledge: 5x\n", want: `severities.sev1.acknowledge: invalid duration "5x"`},
		{name: "negative duration", yaml: "severities:\n  sev2: {resolve: -1h}\n", want: "severities.sev2.resolve: invalid duration"},
		{name: "resolve before acknowledge", yaml: "severities:\n  sev3: {acknowledge: 2h, resolve: 1h}\n", want: "severities.sev3: resolve (1h) is shorter than acknowledge (2h)"},
		{name: "unknown severity", yaml: "severities:\n  sev7: {acknowledge: 5m}\n", want: `severities.sev7: "sev7" is not one of sev1`},
		{name: "severity twice", yaml: "severities:\n  sev1: {acknowledge: 5m}\n  SEV1: {acknowledge: 6m}\n", want: "is already set as severities."},
		{name: "severities not a mapping", yaml: "severities: [sev1]\n", want: "severities: want a mapping"},
		{name: "bad ticket threshold", yaml: "ticket_threshold: sev9\n", want: `ticket_threshold: "sev9" is not one of`},
		{name: "bad addr in file", yaml: "addr: localhost\n", want: `addr: "localhost" is not host:port`},
		{name: "bad port", yaml: "addr: 127.0.0.1:99999\n", want: "addr: \"127.0.0.1:99999\": port"},
		{name: "bad addr in environment", env: []string{"WARROOM_ADDR", "nonsense"}, want: `WARROOM_ADDR: "nonsense" is not host:port`},
		{name: "bad log level", yaml: "log_level: loud\n", want: `log_level: "loud" is not one of debug, info, warn, error`},
		{name: "no database connections", yaml: "db_max_conns: 0\n", want: `db_max_conns: 0: at least one connection`},
		{name: "database connections not a number", env: []string{"WARROOM_DB_MAX_CONNS", "many"}, want: `WARROOM_DB_MAX_CONNS: want a whole number, got "many"`},
		{name: "no database connections in environment", env: []string{"WARROOM_DB_MAX_CONNS", "0"}, want: `WARROOM_DB_MAX_CONNS: 0: at least one connection`},
		{name: "bad log format in environment", env: []string{"WARROOM_LOG_FORMAT", "xml"}, want: `WARROOM_LOG_FORMAT: "xml" is not one of text, json`},
		{name: "bad synchronous", yaml: "db_synchronous: off\n", want: `db_synchronous: "off" is not one of normal, full`},
		{name: "synchronous full on postgres", env: []string{"WARROOM_DB", "postgres://warroom@db/warroom", "WARROOM_DB_SYNCHRONOUS", "FULL"}, want: "WARROOM_DB_SYNCHRONOUS: applies to SQLite only"},
		{name: "bad synchronous commit", env: []string{"WARROOM_DB", "postgres://warroom@db/warroom", "WARROOM_DB_SYNCHRONOUS_COMMIT", "local"}, want: `WARROOM_DB_SYNCHRONOUS_COMMIT: "local" is not one of server, off`},
		{name: "synchronous commit off on sqlite", yaml: "db_synchronous_commit: off\n", want: "db_synchronous_commit: applies to PostgreSQL only"},
		{name: "bad public url", yaml: "public_url: ftp://example.com\n", want: "public_url: \"ftp://example.com\" is not an http:// or https:// URL"},
		{name: "public url without host", env: []string{"WARROOM_PUBLIC_URL", "http://"}, want: "WARROOM_PUBLIC_URL: \"http:\" has no host"},
		{name: "bad integration url", env: []string{"SLACK_API_URL", "slack.example.com"}, want: "SLACK_API_URL: \"slack.example.com\" is not an http:// or https:// URL"},
		{name: "url with password", env: []string{"JIRA_URL", "https://bob:hunter2@jira.example.com"}, want: "JIRA_URL: \"https://bob:xxxxx@jira.example.com\" must not carry a user or password"},
		{name: "bad discord key", env: []string{"DISCORD_PUBLIC_KEY", "abc"}, want: "DISCORD_PUBLIC_KEY: not a hex-encoded Ed25519 public key"},
		{name: "bad discord app id", env: []string{"DISCORD_APP_ID", "app-1"}, want: "DISCORD_APP_ID:"},
		{name: "other database URL", env: []string{"WARROOM_DB", "mysql://db/warroom"}, want: "WARROOM_DB: \"mysql://db/warroom\": only postgres://"},
		{name: "empty db in file", yaml: "db: \"\"\n", want: "db: empty"},
		{name: "problem candidates of one", yaml: "problems: {candidates: 1}\n", want: "problems: a candidate problem needs 2 to 1000 recurring incidents, not 1"},
		{name: "problem window too short", yaml: "problems: {within: 10m}\n", want: "problems: the recurrence window is 1h to 366d"},
		{name: "unknown problems key", yaml: "problems: {count: 3}\n", want: "problems.count: unknown key"},
		{name: "max failures", yaml: "outbox: {max_failures: -1}\n", want: "outbox.max_failures: -1 is not between 1 and 100000"},
		{name: "max failure age", yaml: "outbox: {max_failure_age: 1s}\n", want: "outbox.max_failure_age: 1s is not between 1m and 720h"},
		{name: "lane concurrency", yaml: "outbox: {lanes: {slack: 0}}\n", want: "outbox.lanes.slack: 0 is not between 1 and 1000"},
		{name: "lease too short", yaml: "outbox: {lease: 10ms}\n", want: "outbox.lease: 10ms is not between 1s and 1h"},
		{name: "batch not a number", yaml: "outbox: {batch: many}\n", want: `outbox.batch: want a whole number, got "many"`},
		{name: "role of two words", yaml: "roles: [\"incident lead\"]\n", want: `roles[0]: "incident lead" is not a role name`},
		{name: "roles not a list", yaml: "roles: scribe\n", want: "roles: want a list"},
		{name: "mapping where a value goes", yaml: "addr: {host: x}\n", want: "addr: want a single value, got a mapping"},
		{name: "duplicate key", yaml: "addr: 127.0.0.1:1\naddr: 127.0.0.1:2\n", want: "addr: key set twice (line 2)"},
		{name: "two documents", yaml: "addr: 127.0.0.1:1\n---\naddr: 127.0.0.1:2\n", want: "one YAML document"},
		{name: "not YAML", yaml: "addr: [\n", want: "not valid YAML"},
		{name: "not a mapping", yaml: "- addr\n", want: "config file: want a mapping"},
		{name: "public address without token", env: []string{"WARROOM_ADDR", "0.0.0.0:8080"}, want: "WARROOM_API_TOKEN: required when WARROOM_ADDR (0.0.0.0:8080) is not a loopback address"},
		{name: "secret and its file", env: []string{"WARROOM_API_TOKEN", "direct-s3cret", "WARROOM_API_TOKEN_FILE", tokenFile}, want: "WARROOM_API_TOKEN and WARROOM_API_TOKEN_FILE are both set"},
		{name: "missing secret file", env: []string{"JIRA_TOKEN_FILE", "/nonexistent/jira"}, want: "JIRA_TOKEN_FILE: open /nonexistent/jira"},
		{name: "empty secret file", env: []string{"PAGERDUTY_TOKEN_FILE", emptyFile}, want: "PAGERDUTY_TOKEN_FILE: " + emptyFile + " is empty"},
		{name: "missing config file", env: []string{"WARROOM_CONFIG", "/nonexistent/warroom.yaml"}, want: "read config file: open /nonexistent/warroom.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kv := tc.env
			if tc.yaml != "" {
				kv = append([]string{"WARROOM_CONFIG", writeFile(t, "warroom.yaml", tc.yaml)}, kv...)
			}
			_, err := Load("", env(kv...))
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tc.want)
			}
			for _, secret := range []string{"hunter2", "direct-s3cret", "from-file"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows the secret %q: %v", secret, err)
				}
			}
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	_, err := Load("", env("WARROOM_ADDR", "x", "WARROOM_LOG_LEVEL", "loud", "WARROOM_LOG_FORMAT", "xml"))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"WARROOM_ADDR:", "WARROOM_LOG_LEVEL:", "WARROOM_LOG_FORMAT:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestSecretsRefusedInFile(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"api token", "api_token: s3cret-value\n", "api_token: secrets are not read from the config file; set WARROOM_API_TOKEN or WARROOM_API_TOKEN_FILE"},
		{"webhook token", "webhook_token: s3cret-value\n", "set WARROOM_WEBHOOK_TOKEN or WARROOM_WEBHOOK_TOKEN_FILE"},
		{"nested integration secret", "slack:\n  bot_token: s3cret-value\n", "slack.bot_token: secrets are not read from the config file; set SLACK_BOT_TOKEN or SLACK_BOT_TOKEN_FILE"},
		{"pagerduty routing key", "pagerduty: {routing_key: s3cret-value}\n", "set PAGERDUTY_ROUTING_KEY or PAGERDUTY_ROUTING_KEY_FILE"},
		{"servicenow password", "servicenow: {password: s3cret-value}\n", "set SERVICENOW_PASSWORD or SERVICENOW_PASSWORD_FILE"},
		{"unknown secret", "vault_token: s3cret-value\n", "vault_token: secrets are not read from the config file"},
		{"database password", "db: postgres://warroom:s3cret-value@db:5432/warroom\n", "db: a PostgreSQL URL with a password is a secret"},
		{"database password in query", "db: postgres://warroom@db:5432/warroom?password=s3cret-value\n", "db: a PostgreSQL URL with a password is a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "w.yaml", tc.yaml), env())
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret-value") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

func TestPostgresURLWithoutPasswordInFile(t *testing.T) {
	c, err := Load(writeFile(t, "w.yaml", "db: postgres://warroom@db.internal:5432/warroom?sslmode=require\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	if !c.DB.IsPostgres() || c.DB.HasPassword() {
		t.Errorf("IsPostgres, HasPassword = %v, %v", c.DB.IsPostgres(), c.DB.HasPassword())
	}
}

func TestPublicAddress(t *testing.T) {
	for _, tc := range []struct {
		addr      string
		public    bool
		publicURL string
	}{
		{"127.0.0.1:8080", false, "http://127.0.0.1:8080"},
		{"[::1]:8080", false, "http://[::1]:8080"},
		{"localhost:8080", false, "http://localhost:8080"},
		{"0.0.0.0:8080", true, "http://localhost:8080"},
		{":8080", true, "http://localhost:8080"},
		{"10.1.2.3:80", true, "http://10.1.2.3:80"},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			c, err := Load("", env("WARROOM_ADDR", tc.addr, "WARROOM_API_TOKEN", "t"))
			if err != nil {
				t.Fatal(err)
			}
			if c.Public() != tc.public || c.PublicURL != tc.publicURL {
				t.Errorf("Public, PublicURL = %v, %q; want %v, %q", c.Public(), c.PublicURL, tc.public, tc.publicURL)
			}
		})
	}
}

func TestExampleFileParses(t *testing.T) {
	path := examplePath
	c, err := Load(path, env())
	if err != nil {
		t.Fatalf("the example configuration does not load: %v", err)
	}
	// The example documents the defaults: loading it changes nothing.
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	d.File = path
	d.Roles, d.Slack.Responders, d.Slack.UserGroups = []string{}, []string{}, []string{} // the example's empty lists
	d.Discord.ResponderRoles = []string{}
	sameZone := cmp.Comparer(func(a, b *time.Location) bool { return a.String() == b.String() })
	if diff := cmp.Diff(d, c, cmp.AllowUnexported(Config{}, Secret{}, DSN{}), sameZone); diff != "" {
		t.Errorf("the example differs from the defaults (-defaults +example):\n%s", diff)
	}
}

func TestDurations(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		text string
	}{
		{"0", 0, "0s"},
		{"90s", 90 * time.Second, "1m30s"},
		{"5m", 5 * time.Minute, "5m"},
		{"1h30m", 90 * time.Minute, "1h30m"},
		{"4h", 4 * time.Hour, "4h"},
		{"3d", 72 * time.Hour, "3d"},
		{"1d12h", 36 * time.Hour, "1d12h"},
		{"2w", 14 * 24 * time.Hour, "14d"},
		{"120h", 120 * time.Hour, "5d"},
		{"1500ms", 1500 * time.Millisecond, "1.5s"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := parseDuration(tc.in)
			if err != nil || d != tc.want {
				t.Fatalf("parseDuration(%q) = %v, %v; want %v", tc.in, d, err, tc.want)
			}
			if got := formatDuration(d); got != tc.text {
				t.Errorf("formatDuration(%v) = %q, want %q", d, got, tc.text)
			}
			if back, err := parseDuration(formatDuration(d)); err != nil || back != d {
				t.Errorf("round trip of %v gives %v, %v", d, back, err)
			}
		})
	}
	for _, bad := range []string{"", "5x", "-5m", "d", "1h2d", "five minutes", "3.5d"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) accepted it", bad)
		}
	}
}

// TestDefaultsComeFromTheirOwners: what the configuration holds when
// nothing is set is what the packages that use it would do with a zero.
func TestDefaultsComeFromTheirOwners(t *testing.T) {
	c, err := Load("", env())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ticket_threshold", c.TicketThreshold, bot.DefaultTicketAt},
		{"outbox", c.Outbox, Outbox{MaxFailures: outbox.DefaultMaxFailures, MaxFailureAge: outbox.DefaultMaxFailureAge,
			Lease: outbox.DefaultLease, Batch: outbox.DefaultBatch, Concurrency: outbox.DefaultConcurrency}},
		{"announce_channel", c.AnnounceChannel, console.DefaultAnnounce},
		{"jira.auth", c.Jira.Auth, jira.DefaultAuth("")},
		{"servicenow.auth", c.ServiceNow.Auth, servicenow.DefaultAuth},
		{"alerts.max_queued", c.Alerts.MaxQueued, bot.DefaultMaxQueued},
		{"generic.resolved_values", c.Receivers.Generic.ResolvedValues, generic.DefaultResolvedValues},
		{"calendar.workdays", c.Insights.Calendar.Workdays, kpi.DefaultWorkdays},
		{"calendar.time_zone", c.Insights.Calendar.Location.String(), "UTC"},
		{"reminders", c.Insights.Reminders, Reminders{RemindAt: bot.DefaultRemindAt,
			ActionRemindBefore: bot.DefaultActionRemindBefore, ActionRemindEvery: bot.DefaultActionRemindEvery}},
	}
	for _, ck := range checks {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ck.name, diff)
		}
	}
	if c, err := Load("", env("JIRA_USER", "bot@example.com")); err != nil || c.Jira.Auth != jira.AuthBasic {
		t.Errorf("jira.auth with JIRA_USER = %q, %v; want basic", c.Jira.Auth, err)
	}
}

// TestZeroTakesTheDefault: a 0 in the file where the package that uses the
// value reads 0 as its default shows, and holds, that default.
func TestZeroTakesTheDefault(t *testing.T) {
	c, err := Load(writeFile(t, "w.yaml", "reminders: {action_remind_before: 0, action_remind_every: 0}\npagerduty: {oncall_cache: 0}\ncalendar: {workdays: []}\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	r := c.Insights.Reminders
	if r.ActionRemindBefore != bot.DefaultActionRemindBefore || r.ActionRemindEvery != bot.DefaultActionRemindEvery {
		t.Errorf("reminders = %+v", r)
	}
	if len(c.Insights.Calendar.Workdays) != 5 {
		t.Errorf("calendar.workdays: [] = %v, want Monday to Friday", c.Insights.Calendar.Workdays)
	}
	out, err := c.View()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"action_remind_before: 1d", "oncall_cache: 1m", "    - fri\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("config check lacks %q:\n%s", want, out)
		}
	}
}

// db_synchronous_commit defaults to the PostgreSQL server's own setting;
// off is read in any case and kept as off.
func TestSynchronousCommit(t *testing.T) {
	c, err := Load("", env("WARROOM_DB", "postgres://warroom@db/warroom"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBSyncCommit != "server" {
		t.Errorf("default DBSyncCommit = %q, want server", c.DBSyncCommit)
	}
	c, err = Load("", env("WARROOM_DB", "postgres://warroom@db/warroom", "WARROOM_DB_SYNCHRONOUS_COMMIT", " OFF"))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBSyncCommit != "off" {
		t.Errorf("DBSyncCommit = %q, want off from WARROOM_DB_SYNCHRONOUS_COMMIT", c.DBSyncCommit)
	}
}
