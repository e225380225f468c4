package bot_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

func newTypedService(t *testing.T) *bot.Service {
	t.Helper()
	return testkit.NewService(t, testkit.WithConfig(testkit.Catalog())).Svc
}

func TestDeclareRequiresDeclareFields(t *testing.T) {
	ctx := context.Background()
	svc := newTypedService(t)
	tests := []struct {
		name   string
		in     bot.DeclareInput
		errHas string
	}{
		{"missing", bot.DeclareInput{Title: "db down"}, "customer_impact (one of None, Some, All)"},
		{"unknown field", bot.DeclareInput{Title: "db down", Fields: map[string]string{"colour": "red"}}, `field "colour" is not one of`},
		{"bad option", bot.DeclareInput{Title: "db down", Fields: map[string]string{"customer_impact": "lots"}}, "is one of None, Some, All"},
		{"bad number", bot.DeclareInput{Title: "db down", Fields: map[string]string{"customer_impact": "some", "cost": "ten"}}, "cost is a number"},
		{"bad date", bot.DeclareInput{Title: "db down", Fields: map[string]string{"customer_impact": "some", "due": "tomorrow"}}, "due is a date"},
		{"unknown type", bot.DeclareInput{Title: "db down", Type: "fire", Fields: map[string]string{"customer_impact": "some"}}, `incident type "fire" is not one of default, security`},
		{"severity not allowed", bot.DeclareInput{Title: "leak", Type: "security", Severity: bot.SEV3, Fields: map[string]string{"customer_impact": "some"}}, "a security incident cannot be SEV3; it is one of SEV1, SEV2"},
		{"ok", bot.DeclareInput{Title: "db down", Fields: map[string]string{"customer_impact": "some", "cost": "1_000.50", "due": "2026-12-01"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc, err := svc.Declare(ctx, tc.in)
			if tc.errHas == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"customer_impact": "Some", "cost": "1000.5", "due": "2026-12-01"}
				for k, v := range want {
					if inc.Fields[k] != v {
						t.Errorf("field %s = %q, want %q", k, inc.Fields[k], v)
					}
				}
				if inc.Type != "default" {
					t.Errorf("type = %q, want default", inc.Type)
				}
				return
			}
			if err == nil || bot.ErrorCode(err) != bot.CodeInvalid || !strings.Contains(bot.ErrorMessage(err), tc.errHas) {
				t.Fatalf("err = %v, want invalid containing %q", err, tc.errHas)
			}
		})
	}
	page, err := svc.Search(ctx, bot.IncidentQuery{})
	if err != nil || page.Total != 1 {
		t.Fatalf("refused declarations wrote incidents: %v %v", page, err)
	}
}

func TestResolveAndCloseWaitForRequiredFields(t *testing.T) {
	ctx := context.Background()
	svc := newTypedService(t)
	inc, err := svc.Declare(ctx, bot.DeclareInput{Title: "db down", Actor: "alice", Fields: map[string]string{"customer_impact": "none"}})
	if err != nil {
		t.Fatal(err)
	}
	n := inc.Number
	steps := []struct {
		name   string
		do     func() (*bot.Incident, error)
		errHas string
	}{
		{"resolve refused", func() (*bot.Incident, error) { return svc.Resolve(ctx, bot.Cause{}, n, "alice", "") }, "cannot be resolved until the field root_cause (text) is set"},
		{"status resolved refused", func() (*bot.Incident, error) { return svc.SetStatus(ctx, n, "alice", bot.StatusResolved) }, "root_cause"},
		{"update to resolved refused", func() (*bot.Incident, error) { return svc.PostUpdate(ctx, n, "alice", "done", bot.StatusResolved) }, "root_cause"},
		{"clear a declare field refused", func() (*bot.Incident, error) { return svc.SetCustomField(ctx, n, "alice", "customer_impact", "") }, "cannot be cleared"},
		{"bad user", func() (*bot.Incident, error) { return svc.SetCustomField(ctx, n, "alice", "reviewer", "two words") }, "is a person"},
		{"set root cause", func() (*bot.Incident, error) {
			return svc.SetCustomField(ctx, n, "alice", "Root_Cause", "expired cert")
		}, ""},
		{"resolve", func() (*bot.Incident, error) { return svc.Resolve(ctx, bot.Cause{}, n, "alice", "") }, ""},
		{"close refused", func() (*bot.Incident, error) { return svc.Close(ctx, n, "alice") }, "cannot be closed until the field reviewer (user) is set"},
		{"set reviewer", func() (*bot.Incident, error) { return svc.SetCustomField(ctx, n, "alice", "reviewer", "@bob") }, ""},
		{"close", func() (*bot.Incident, error) { return svc.Close(ctx, n, "alice") }, ""},
	}
	for _, st := range steps {
		got, err := st.do()
		if st.errHas == "" {
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(bot.ErrorMessage(err), st.errHas) {
			t.Fatalf("%s: err = %v, want one containing %q", st.name, err, st.errHas)
		}
		_ = got
	}
	final, err := svc.Get(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != bot.StatusClosed || final.Fields["reviewer"] != "bob" || final.Fields["root_cause"] != "expired cert" {
		t.Fatalf("final incident %+v", final)
	}
}

func TestTypeSetsPrivacyResponderChannelAndFilters(t *testing.T) {
	ctx := context.Background()
	svc := newTypedService(t)
	sec, err := svc.Declare(ctx, bot.DeclareInput{Title: "Leaked key", Type: "security", Severity: bot.SEV1, Actor: "alice",
		Fields: map[string]string{"customer_impact": "all", "cost": "5", "due": "2026-12-01"}})
	if err != nil {
		t.Fatal(err)
	}
	if !sec.Private || sec.Type != "security" || !strings.Contains(strings.Join(sec.Responders, ","), "@secops") {
		t.Fatalf("security incident %+v", sec)
	}
	if got := svc.ChannelName(sec); !strings.HasPrefix(got, "sec-1-leaked-key") {
		t.Fatalf("channel %q", got)
	}
	if _, err := svc.SetSeverity(ctx, sec.Number, "alice", bot.SEV4); err == nil {
		t.Fatal("a security incident moved to SEV4")
	}
	if _, err := svc.Declare(ctx, bot.DeclareInput{Title: "Slow", Fields: map[string]string{"customer_impact": "none"}}); err != nil {
		t.Fatal(err)
	}
	card := svc.Card(sec)
	var lines []string
	for _, f := range card.Fields {
		lines = append(lines, f.Label+"="+f.Value)
	}
	// labels as configured, in the configured order, after the type
	if s := strings.Join(lines, ";"); !strings.HasSuffix(s, ";Type=security;Customer impact=All;cost=5;due=2026-12-01") {
		t.Fatalf("card fields %s", s)
	}
	for _, tc := range []struct {
		query string
		want  int64
	}{
		{"type=security", 1}, {"type=default", 1}, {"type=security,default", 2},
		{"field.customer_impact=all", 1}, {"field.customer_impact=NONE&type=default", 1}, {"field.customer_impact=some", 0},
	} {
		v, _ := url.ParseQuery(tc.query + "&status=all")
		q, _, err := bot.ParseIncidentQuery(v)
		if err != nil {
			t.Fatal(err)
		}
		page, err := svc.Search(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if page.Total != tc.want {
			t.Errorf("%s: %d incidents, want %d", tc.query, page.Total, tc.want)
		}
	}
	v, _ := url.ParseQuery("field.colour=red")
	q, _, _ := bot.ParseIncidentQuery(v)
	if _, err := svc.Search(ctx, q); bot.ErrorCode(err) != bot.CodeInvalid {
		t.Fatalf("unknown field filter: %v", err)
	}
}

func TestCatalogValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    bot.Config
		errHas string
	}{
		{"duplicate type", bot.Config{Types: []bot.IncidentType{{Name: "a"}, {Name: "a"}}}, `incident type "a" is defined twice`},
		{"bad severity", bot.Config{Types: []bot.IncidentType{{Name: "a", Severities: []bot.Severity{7}}}}, "severity 7"},
		{"duplicate field", bot.Config{Fields: []bot.FieldDef{{Name: "x", Kind: bot.KindText}, {Name: "x", Kind: bot.KindDate}}}, `field "x" is defined twice`},
		{"bad kind", bot.Config{Fields: []bot.FieldDef{{Name: "x", Kind: "colour"}}}, "kind \"colour\""},
		{"select without options", bot.Config{Fields: []bot.FieldDef{{Name: "x", Kind: bot.KindSelect}}}, "needs options"},
		{"duplicate option", bot.Config{Fields: []bot.FieldDef{{Name: "x", Kind: bot.KindSelect, Options: []string{"a", "A"}}}}, "given twice"},
		{"bad stage", bot.Config{Fields: []bot.FieldDef{{Name: "x", Kind: bot.KindText, Required: "ack"}}}, "required \"ack\""},
		{"bad name", bot.Config{Fields: []bot.FieldDef{{Name: "Root Cause", Kind: bot.KindText}}}, "lowercase"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bot.NewService(tc.cfg, testkit.NewService(t).Store, nil)
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("err = %v, want %q", err, tc.errHas)
			}
		})
	}
}

func TestSeverityNamesAndStatusLabels(t *testing.T) {
	t.Cleanup(func() { _ = bot.SetSeverityLevels(nil); _ = bot.SetStatusLabels(nil) })
	if err := bot.SetSeverityLevels(map[bot.Severity]bot.SeverityLevel{1: {Name: "P1", Description: "Down for all"}, 2: {Name: "High"}}); err != nil {
		t.Fatal(err)
	}
	if err := bot.SetStatusLabels(map[bot.Status]string{bot.StatusTriggered: "New"}); err != nil {
		t.Fatal(err)
	}
	if bot.SEV1.String() != "P1" || bot.SEV1.Description() != "Down for all" || bot.SEV3.String() != "SEV3" {
		t.Fatalf("names %s %q %s", bot.SEV1, bot.SEV1.Description(), bot.SEV3)
	}
	for in, want := range map[string]bot.Severity{"p1": bot.SEV1, "high": bot.SEV2, "sev3": bot.SEV3, "4": bot.SEV4} {
		if got, err := bot.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := bot.ParseSeverity("urgent"); err == nil || !strings.Contains(err.Error(), "P1 (sev1), High (sev2), sev3, sev4") {
		t.Errorf("unknown name: %v", err)
	}
	if !bot.IsSeverityName("P1") || bot.IsSeverityName("High") {
		t.Error("IsSeverityName: only names with a digit lead a declare")
	}
	if bot.StatusTriggered.Label() != "New" || bot.StatusResolved.Label() != "resolved" {
		t.Error("status labels")
	}
	card := bot.Card(&bot.Incident{Number: 1, Title: "x", Severity: bot.SEV1, Status: bot.StatusTriggered}, "")
	if !strings.HasPrefix(card.Title, "P1 INC-1") || card.Fields[0].Value != "New" {
		t.Fatalf("card %q %q", card.Title, card.Fields[0].Value)
	}
	for _, bad := range []map[bot.Severity]bot.SeverityLevel{
		{1: {Name: "P1"}, 2: {Name: "p1"}}, {1: {Name: "sev2"}}, {1: {Name: "two words"}},
	} {
		if err := bot.CheckSeverityLevels(bad); err == nil {
			t.Errorf("accepted %v", bad)
		}
	}
}

// A type with ticket: true opens a ticket whatever the severity; another
// type's incident below the ticket threshold gets none.
func TestTypeOpensTicket(t *testing.T) {
	ctx := context.Background()
	env := testkit.NewService(t, testkit.WithConfig(bot.Config{
		Types:   []bot.IncidentType{{Name: "default"}, {Name: "vendor-outage", Ticket: true}},
		Tickets: bot.TicketConfig{Targets: []bot.TicketTarget{{Name: bot.LinkJira}}},
	}))
	for _, typ := range []string{"default", "vendor-outage"} {
		if _, err := env.Svc.Declare(ctx, bot.DeclareInput{Title: "CDN down", Severity: bot.SEV4, Type: typ}); err != nil {
			t.Fatal(err)
		}
	}
	jobs := testkit.ClaimAll(t, ctx, env.Store, env.Svc.Now().Add(time.Hour))
	var ticketed []int64
	for _, j := range jobs {
		if j.Target == bot.LinkJira {
			ticketed = append(ticketed, j.Incident)
		}
	}
	if len(ticketed) != 1 || ticketed[0] != 2 {
		t.Fatalf("ticket jobs for %v, want INC-2 (vendor-outage) alone", ticketed)
	}
}
