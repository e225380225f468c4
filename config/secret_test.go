package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	secretValue = "xoxb-very-s3cret"
	dbPassword  = "db-s3cret-pw"
)

// secretConfig is a configuration holding a value in every secret.
func secretConfig(t *testing.T) Config {
	t.Helper()
	kv := []string{"WARROOM_DB", "postgres://warroom:" + dbPassword + "@db.internal:5432/warroom?sslmode=disable"}
	for _, name := range secretVars() {
		if name != "WARROOM_DB" {
			kv = append(kv, name, secretValue)
		}
	}
	c, err := Load("", env(kv...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// renderings prints v in every way a secret might leak.
func renderings(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out["json"] = string(j)
	y, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out["yaml"] = string(y)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("msg", "value", v)
		out[name] = buf.String()
	}
	return out
}

func TestSecretRedaction(t *testing.T) {
	s := NewSecret(secretValue)
	type holder struct {
		Token Secret
		DB    DSN
	}
	values := map[string]any{
		"Secret":          s,
		"*Secret":         &s,
		"struct":          holder{Token: s, DB: NewDSN("postgres://u:" + dbPassword + "@h/db")},
		"slice":           []Secret{s},
		"map":             map[string]Secret{"k": s},
		"DSN in userinfo": NewDSN("postgres://warroom:" + dbPassword + "@db:5432/warroom"),
		"DSN in query":    NewDSN("postgresql://warroom@db/warroom?sslmode=disable&password=" + dbPassword),
	}
	for name, v := range values {
		for how, text := range renderings(t, v) {
			if strings.Contains(text, secretValue) || strings.Contains(text, dbPassword) {
				t.Errorf("%s printed with %s shows the secret: %s", name, how, text)
			}
		}
	}
	if got := fmt.Sprint(s); got != "<redacted>" {
		t.Errorf("Sprint(secret) = %q", got)
	}
	if s.Reveal() != secretValue {
		t.Errorf("Reveal = %q", s.Reveal())
	}
}

func TestEmptySecretStaysEmpty(t *testing.T) {
	var s Secret
	if got := fmt.Sprintf("%v|%s", s, s); got != "|" {
		t.Errorf("empty secret prints %q", got)
	}
	if j, _ := json.Marshal(s); string(j) != `""` {
		t.Errorf("empty secret marshals as %s", j)
	}
}

func TestDSNDisplay(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"warroom.db", "warroom.db"},
		{"/var/lib/warroom/warroom.db", "/var/lib/warroom/warroom.db"},
		{"postgres://warroom@db:5432/warroom?sslmode=disable", "postgres://warroom@db:5432/warroom?sslmode=disable"},
		{"postgres://warroom:pw@db:5432/warroom", "postgres://warroom:<redacted>@db:5432/warroom"},
		{"postgresql://db/warroom?password=pw&sslmode=require", "postgresql://db/warroom?password=<redacted>&sslmode=require"},
		{"postgres://warroom:pw@db:5432/%zz", "<redacted>"}, // does not parse: hidden whole
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := NewDSN(tc.in).String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConfigRedaction(t *testing.T) {
	c := secretConfig(t)
	out := renderings(t, c)
	y, err := c.View()
	if err != nil {
		t.Fatal(err)
	}
	out["config check"] = string(y)
	for how, text := range out {
		if strings.Contains(text, secretValue) || strings.Contains(text, dbPassword) {
			t.Errorf("the configuration printed with %s shows a secret:\n%s", how, text)
		}
	}
	for _, want := range []string{"WARROOM_API_TOKEN: <redacted>", "SERVICENOW_PASSWORD: <redacted>", "db: postgres://warroom:<redacted>@db.internal:5432/warroom"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("config check output lacks %q:\n%s", want, y)
		}
	}
}
