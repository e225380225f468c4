package postmortem_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/postmortem"
	"github.com/warroom/warroom/internal/testkit"
)

var t0 = time.Date(2026, 5, 4, 9, 30, 0, 0, time.UTC)

func ptr(t time.Time) *time.Time { return &t }

func fixture() (*bot.Incident, []bot.Entry, []bot.ActionItem) {
	inc := &bot.Incident{
		Number: 42, Title: "Checkout latency above SLO", Summary: "p99 latency of checkout rose to 4s after deploy 1234.",
		Impact: "About 8% of checkouts failed for 47 minutes.", Service: "checkout", Source: "alertmanager",
		Severity: bot.SEV2, Status: bot.StatusResolved,
		StartedAt: t0.Add(-4 * time.Minute), DeclaredAt: t0, AcknowledgedAt: ptr(t0.Add(3 * time.Minute)),
		ResolvedAt: ptr(t0.Add(47 * time.Minute)),
		Roles:      map[string]string{bot.RoleCommander: "alice", bot.RoleScribe: "carol", "dba": "dave"},
		Links:      map[string]bot.Link{bot.LinkJira: {ID: "OPS-7", URL: "https://jira.example/browse/OPS-7"}},
	}
	tl := []bot.Entry{
		{At: t0, Kind: bot.EntryDeclared, Text: "Declared SEV3: Checkout latency above SLO"},
		{At: t0, Kind: bot.EntryAlertFired, Text: "HighLatency checkout p99 > 2s"},
		{At: t0.Add(3 * time.Minute), Kind: bot.EntryAcknowledged, Actor: "alice", Text: "Acknowledged"},
		{At: t0.Add(5 * time.Minute), Kind: bot.EntrySeverityChanged, Actor: "alice", Text: "Severity SEV3 → SEV2", Data: map[string]string{"old": "SEV3", "new": "SEV2"}},
		{At: t0.Add(20 * time.Minute), Kind: bot.EntryUpdate, Actor: "bob", Text: "Rolling back deploy 1234"},
		{At: t0.Add(40 * time.Minute), Kind: bot.EntrySLABreached, Actor: "warroom", Text: "Status update overdue (target 15m)", Data: map[string]string{"sla": "update"}},
		{At: t0.Add(47 * time.Minute), Kind: bot.EntryResolved, Actor: "alice", Text: "Resolved: rollback done"},
	}
	acts := []bot.ActionItem{
		{Seq: 1, Title: "Add canary analysis to checkout deploys", Owner: "bob", Kind: bot.ActionPreventive, Status: bot.ActionOpen, Due: ptr(time.Date(2026, 5, 18, 0, 0, 0, 0, time.UTC))},
		{Seq: 2, Title: "Alert on p99 at 1s", Kind: bot.ActionDetective, Status: bot.ActionDone},
	}
	return inc, tl, acts
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	testkit.Golden(t, filepath.Join("testdata", name), []byte(got))
}

func TestDefaultTemplateGolden(t *testing.T) {
	d, err := postmortem.New(postmortem.Config{})
	if err != nil {
		t.Fatal(err)
	}
	inc, tl, acts := fixture()
	out, err := d.Render(context.Background(), inc, tl, acts, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "default.md", out)
}

func TestEmptyIncident(t *testing.T) {
	d, err := postmortem.New(postmortem.Config{})
	if err != nil {
		t.Fatal(err)
	}
	inc := &bot.Incident{Number: 1, Title: "t", Source: "manual", Severity: bot.SEV4, Status: bot.StatusTriggered, StartedAt: t0, DeclaredAt: t0}
	out, err := d.Render(context.Background(), inc, nil, nil, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "empty.md", out)
}

func TestUserDataStaysData(t *testing.T) {
	d, err := postmortem.New(postmortem.Config{})
	if err != nil {
		t.Fatal(err)
	}
	inc, tl, acts := fixture()
	evil := `{{.Key}}{{range 99999999}}x{{end}}{{printf "%099999999d" 1}}`
	inc.Title, inc.Summary = evil, evil
	tl = append(tl, bot.Entry{At: t0, Kind: bot.EntryNote, Actor: "{{.Title}}", Text: evil})
	acts[0].Title = evil
	out, err := d.Render(context.Background(), inc, tl, acts, t0)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, evil); n < 4 {
		t.Errorf("the injected text appears %d times verbatim, want at least 4:\n%s", n, out)
	}
}

func TestHostileTemplatesRefused(t *testing.T) {
	tests := map[string]string{
		"range over a number":   `{{range 1000000000}}x{{end}}`,
		"range over a variable": `{{$n := 100000000}}{{range $n}}{{end}}`,
		"define":                `{{define "x"}}{{template "x" .}}{{end}}{{template "x" .}}`,
		"block":                 `{{block "x" .}}y{{end}}`,
		"template call":         `{{template "postmortem" .}}`,
		"three ranges deep":     `{{range .Timeline}}{{range $.Timeline}}{{range $.Actions}}x{{end}}{{end}}{{end}}`,
		"unknown function":      `{{exec "rm -rf /"}}`,
		"parse error":           `{{.Title`,
		"range over a pipeline": `{{range (slice .Timeline 0)}}{{end}}`,
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := postmortem.New(postmortem.Config{Template: text, Name: "custom.tmpl"}); err == nil {
				t.Errorf("template %q accepted", text)
			} else if !strings.Contains(err.Error(), "custom.tmpl") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestRunawayTemplatesStopped(t *testing.T) {
	inc, tl, acts := fixture()
	inc.Summary = strings.Repeat("x", 1000)
	for len(tl) < postmortem.MaxTimeline {
		tl = append(tl, tl...)
	}
	tests := []struct {
		name, text string
		timeout    time.Duration
		want       error
	}{
		{"megabytes", `{{range .Timeline}}{{range $.Timeline}}{{$.Summary}}{{end}}{{end}}`, 0, postmortem.ErrTooLarge},
		{"slow", `{{range .Timeline}}{{range $.Timeline}}{{if eq .Kind "none"}}x{{end}}{{end}}{{end}}`, time.Nanosecond, postmortem.ErrTimeout},
		{"printf width", `{{printf "%0999999999d" 1}}`, 0, nil},
		{"call", `{{call .Title}}`, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := postmortem.New(postmortem.Config{Template: tc.text, Timeout: tc.timeout, MaxBytes: 64 << 10})
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.Render(context.Background(), inc, tl, acts, t0)
			if err == nil {
				t.Fatalf("rendered %d bytes, want an error", len(out))
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCustomTemplate(t *testing.T) {
	d, err := postmortem.New(postmortem.Config{Template: `{{.Key}} {{upper .Severity}} {{range .Actions}}[{{.Seq}} {{default "nobody" .Owner}}]{{end}}`})
	if err != nil {
		t.Fatal(err)
	}
	inc, tl, acts := fixture()
	out, err := d.Render(context.Background(), inc, tl, acts, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "INC-42 SEV2 [1 @bob][2 nobody]"; out != want {
		t.Errorf("custom = %q, want %q", out, want)
	}
}
