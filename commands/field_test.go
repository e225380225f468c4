package commands_test

import (
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/testkit"
)

func newCatalogEnv(t *testing.T) *env {
	t.Helper()
	clk := testkit.NewClock(t0)
	cfg := testkit.Catalog()
	cfg.Roles = []string{"liaison"}
	svc := testkit.NewService(t, testkit.WithClock(clk), testkit.WithTargets("console"), testkit.WithConfig(cfg)).Svc
	r, err := commands.New(svc, commands.Config{Now: clk.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: t.Context(), clock: clk, svc: svc, r: r}
}

// Required fields through chat: declare is refused naming the missing
// field, resolve and close wait for theirs, and /incident field sets them.
func TestChatRequiredFields(t *testing.T) {
	e := newCatalogEnv(t)
	steps := []struct {
		cmd    string
		errHas string // "": succeeds, and the reply holds replyHas
		reply  string
	}{
		{"declare sev2 Checkout down", "declaring needs the field customer_impact (one of None, Some, All)", ""},
		{"declare sev2 Checkout down --field customer_impact", "--field takes NAME=VALUE", ""},
		{"declare sev2 Checkout down --field customer_impact=lots", "customer_impact is one of None, Some, All", ""},
		{"declare sev3 Leak --type security --field customer_impact=all", "a security incident cannot be SEV3", ""},
		{"declare Leak --type fire --field customer_impact=all", `incident type "fire" is not one of default, security`, ""},
		{"declare sev2 Checkout down --field customer_impact=some --field cost=12.50 --field due=2026-12-01", "", "Declared INC-1"},
		{"resolve INC-1", "INC-1 cannot be resolved until the field root_cause (text) is set", ""},
		{"status INC-1 resolved", "root_cause", ""},
		{"field INC-1 cost many", "cost is a number", ""},
		{"field INC-1 colour red", `field "colour" is not one of customer_impact, root_cause, reviewer, cost, due`, ""},
		{"field INC-1 root_cause", `give the value of root_cause`, ""},
		{`field INC-1 root_cause "Expired TLS certificate"`, "", "Set root_cause of INC-1 to Expired TLS certificate by alice."},
		{"resolve INC-1", "", ""},
		{"close INC-1", "INC-1 cannot be closed until the field reviewer (user) is set", ""},
		{"field INC-1 reviewer @me", "", "Set reviewer of INC-1 to alice"},
		{"field INC-1", "", "• customer_impact (select: None, Some, All; required to declare): Some"},
		{"show INC-1", "", "Fields: cost: 12.5 · customer_impact: Some · due: 2026-12-01 · reviewer: alice · root_cause: Expired TLS certificate"},
		{"close INC-1", "", ""},
	}
	for _, st := range steps {
		rep, err := e.run(st.cmd)
		if st.errHas != "" {
			if err == nil || !strings.Contains(bot.ErrorMessage(err), st.errHas) {
				t.Fatalf("%q: err = %v, want one containing %q", st.cmd, err, st.errHas)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", st.cmd, err)
		}
		if !strings.Contains(rep.Text, st.reply) {
			t.Fatalf("%q: reply %q, want %q", st.cmd, rep.Text, st.reply)
		}
	}
	inc := e.get(1)
	want := map[string]string{"customer_impact": "Some", "cost": "12.5", "due": "2026-12-01", "root_cause": "Expired TLS certificate", "reviewer": "alice"}
	for k, v := range want {
		if inc.Fields[k] != v {
			t.Errorf("%s = %q, want %q", k, inc.Fields[k], v)
		}
	}
	if inc.Status != bot.StatusClosed || inc.Type != "default" {
		t.Errorf("INC-1 is %s of type %q", inc.Status, inc.Type)
	}
}

func TestChatDeclareTypeAndSeverityName(t *testing.T) {
	t.Cleanup(func() { _ = bot.SetSeverityLevels(nil) })
	if err := bot.SetSeverityLevels(map[bot.Severity]bot.SeverityLevel{1: {Name: "P1"}, 2: {Name: "High"}}); err != nil {
		t.Fatal(err)
	}
	e := newCatalogEnv(t)
	rep := e.must("declare P1 Keys leaked --type security --field customer_impact=none")
	if !strings.Contains(rep.Text, "Declared INC-1 (P1): Keys leaked") || rep.Incident.Type != "security" || !rep.Incident.Private {
		t.Fatalf("reply %q, incident %+v", rep.Text, rep.Incident)
	}
	rep = e.must("declare High CPU on db1 --sev high --field customer_impact=none")
	if rep.Incident.Severity != bot.SEV2 || rep.Incident.Title != "High CPU on db1" {
		t.Fatalf("incident %+v", rep.Incident)
	}
}

// A resolve form sends the fields required to resolve with the resolve.
func TestChatResolveWithFields(t *testing.T) {
	e := newCatalogEnv(t)
	e.must("declare Checkout down --field customer_impact=some")
	if _, err := e.run(`resolve INC-1 Rolled back --field cost=ten --field "root_cause=bad deploy"`); err == nil || !strings.Contains(bot.ErrorMessage(err), "cost is a number") {
		t.Fatalf("bad value: %v", err)
	}
	if inc := e.get(1); inc.Status != bot.StatusTriggered || inc.Fields["root_cause"] != "" {
		t.Fatalf("a refused resolve changed INC-1: %+v", inc)
	}
	e.must(`resolve INC-1 Rolled back --field "root_cause=bad deploy" --field=cost=12`)
	inc := e.get(1)
	if inc.Status != bot.StatusResolved || inc.Fields["root_cause"] != "bad deploy" || inc.Fields["cost"] != "12" {
		t.Fatalf("INC-1 %+v", inc)
	}
	tl, err := e.svc.Timeline(e.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if last := tl[len(tl)-1]; last.Kind != bot.EntryResolved || last.Text != "Resolved: Rolled back" {
		t.Fatalf("last entry %+v", last)
	}
}
