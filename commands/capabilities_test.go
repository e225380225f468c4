package commands_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// fakes records what the commands asked of each capability.
type fakes struct {
	mu      sync.Mutex
	calls   []string
	windows []commands.MaintenanceWindow
	fail    error
}

func (f *fakes) record(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return f.fail
}

func (f *fakes) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return ""
	}
	return f.calls[len(f.calls)-1]
}

func key(inc *bot.Incident) string {
	if inc == nil {
		return "-"
	}
	return inc.Key()
}

func (f *fakes) Page(_ context.Context, inc *bot.Incident, target, message, actor string) (string, error) {
	return "Paged " + target + " (PD-1)", f.record("page %s %s %q by %s", key(inc), target, message, actor)
}

func (f *fakes) System() string { return bot.LinkJira }

func (f *fakes) Ticket(_ context.Context, inc *bot.Incident, actor string) (bot.Link, error) {
	return bot.Link{ID: "OPS-7", URL: "https://jira.example/browse/OPS-7"}, f.record("ticket %s by %s", key(inc), actor)
}

func (f *fakes) OnCall(_ context.Context, schedule string) (string, error) {
	return "On call for " + schedule + ": @carol", f.record("oncall %q", schedule)
}

func (f *fakes) Digest(_ context.Context, period time.Duration, channel, _ string) (string, error) {
	return "# Digest", f.record("digest %s %q", period, channel)
}

func (f *fakes) Draft(_ context.Context, inc *bot.Incident) (string, error) {
	return "# Postmortem " + inc.Key(), f.record("draft %s", key(inc))
}

func (f *fakes) Start(_ context.Context, w commands.MaintenanceWindow) (commands.MaintenanceWindow, error) {
	if err := f.record("start %v-%v %v by %s %q", w.StartsAt.Format(time.RFC3339), w.EndsAt.Format(time.RFC3339), w.Matchers, w.CreatedBy, w.Comment); err != nil {
		return w, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.ID = int64(len(f.windows) + 1)
	f.windows = append(f.windows, w)
	return w, nil
}

func (f *fakes) List(_ context.Context, now time.Time) ([]commands.MaintenanceWindow, error) {
	err := f.record("list %s", now.Format(time.RFC3339))
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]commands.MaintenanceWindow(nil), f.windows...), err
}

func (f *fakes) End(_ context.Context, id int64, actor string) (commands.MaintenanceWindow, error) {
	if err := f.record("end %d by %s", id, actor); err != nil {
		return commands.MaintenanceWindow{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, w := range f.windows {
		if w.ID == id {
			f.windows = append(f.windows[:i], f.windows[i+1:]...)
			return w, nil
		}
	}
	return commands.MaintenanceWindow{}, bot.Errorf(bot.CodeNotFound, "maintenance window #%d does not exist", id)
}

func withFakes(t *testing.T) (*env, *fakes) {
	f := &fakes{}
	e := newEnv(t, commands.Config{Pager: f, Ticketer: f, OnCall: f, Digester: f, Postmortem: f, Maintenance: f})
	return e, f
}

func TestCapabilities(t *testing.T) {
	e, f := withFakes(t)
	inc := e.declare("Checkout down")
	if _, err := e.svc.LinkChannel(e.ctx, inc.Number, "console", "C1"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, channel, text string
		reply               string
		call                string
		ephemeral           bool
	}{
		{"page a service", "C1", "page payments Checkout is down", "Paged payments (PD-1)", `page INC-1 payments "Checkout is down" by alice`, false},
		{"page a person, default message", "C1", "page <@U9|bob>", "Paged @U9", `page INC-1 @U9 "SEV3 INC-1: Checkout down" by alice`, false},
		{"page outside an incident", "", "page @me wake up", "Paged @alice", `page - @alice "wake up" by alice`, false},
		{"ticket creates", "C1", "ticket", "Ticket for INC-1: OPS-7 https://jira.example/browse/OPS-7", "ticket INC-1 by alice", false},
		{"oncall", "", "/oncall payments-primary", "On call for payments-primary: @carol", `oncall "payments-primary"`, true},
		{"oncall all", "", "oncall", "On call for : @carol", `oncall ""`, true},
		{"oncall under incident", "", "/incident oncall", "On call for", `oncall ""`, true},
		{"digest default", "C-ops", "digest", "# Digest", `digest 168h0m0s "C-ops"`, false},
		{"digest 30d", "", "digest 30d", "# Digest", `digest 720h0m0s ""`, false},
		{"postmortem", "C1", "postmortem", "# Postmortem INC-1", "draft INC-1", false},
		{"maintenance start", "", `maintenance start 2h service=payments env=~"prod.*" --comment "DB upgrade"`,
			`Maintenance window #1 until 2026-11-22 14:00:00Z for service=payments env=~prod.* (DB upgrade).`,
			`start 2026-11-22T12:00:00Z-2026-11-22T14:00:00Z [service=payments env=~prod.*] by alice "DB upgrade"`, false},
		{"maintenance list", "", "maintenance list", "1  2026-11-22 12:00:00Z  2026-11-22 14:00:00Z  alice  service=payments env=~prod.* (DB upgrade)", "list 2026-11-22T12:00:00Z", true},
		{"maintenance default is list", "", "maint", "Maintenance windows:", "list 2026-11-22T12:00:00Z", true},
		{"maintenance end", "", "maintenance end #1", "Maintenance window #1 (service=payments env=~prod.*) ended by alice.", "end 1 by alice", false},
		{"maintenance with a reason", "", `maintenance start 2h service=db env=prod kernel upgrade`,
			`Maintenance window #1 until 2026-11-22 14:00:00Z for service=db env=prod (kernel upgrade).`,
			`start 2026-11-22T12:00:00Z-2026-11-22T14:00:00Z [service=db env=prod] by alice "kernel upgrade"`, false},
		{"maintenance scheduled", "", `maintenance start 3h service=db --at 2026-12-01T22:00Z`,
			`Maintenance window #2 from 2026-12-01 22:00:00Z until 2026-12-02 01:00:00Z for service=db.`,
			`start 2026-12-01T22:00:00Z-2026-12-02T01:00:00Z [service=db] by alice ""`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := e.in(tt.channel, tt.text)
			if err != nil {
				t.Fatalf("%q: %v", tt.text, err)
			}
			if !strings.Contains(rep.Text, tt.reply) {
				t.Errorf("%q replied %q, want %q", tt.text, rep.Text, tt.reply)
			}
			if rep.Ephemeral != tt.ephemeral {
				t.Errorf("ephemeral %v, want %v", rep.Ephemeral, tt.ephemeral)
			}
			if got := f.last(); got != tt.call {
				t.Errorf("capability call %q, want %q", got, tt.call)
			}
		})
	}

	t.Run("ticket is linked once, then shown", func(t *testing.T) {
		got := e.get(inc.Number)
		if got.Links[bot.LinkJira].ID != "OPS-7" {
			t.Fatalf("links %v", got.Links)
		}
		n := len(f.calls)
		rep, err := e.in("C1", "ticket")
		if err != nil {
			t.Fatal(err)
		}
		if len(f.calls) != n || !rep.Ephemeral || !strings.Contains(rep.Text, "INC-1's ticket: OPS-7") {
			t.Errorf("second ticket call: %+v (calls %d→%d)", rep, n, len(f.calls))
		}
	})
}

func TestCapabilityErrors(t *testing.T) {
	e, f := withFakes(t)
	inc := e.declare("Checkout down")
	tests := []struct {
		name, text string
		fail       error
		code       bot.Code
		parts      []string
	}{
		{"coded error passes through", "maintenance end 9", nil, bot.CodeNotFound, []string{"maintenance window #9 does not exist"}},
		{"uncoded error is internal, details hidden", "page INC-1 payments", errors.New("dial tcp 10.0.0.1: secret-token refused"),
			bot.CodeInternal, []string{"internal error"}},
		{"bad matcher", "maintenance start 2h payments", nil, bot.CodeInvalid, []string{`"payments" is not a label matcher`}},
		{"bad regexp", "maintenance start 2h svc=~(", nil, bot.CodeInvalid, []string{`"(" is not a regular expression`}},
		{"no matcher", "maintenance start 2h", nil, bot.CodeInvalid, []string{"give a duration and at least one matcher"}},
		{"too long", "maintenance start 45d a=b", nil, bot.CodeInvalid, []string{"a maintenance window lasts 1m to 30d"}},
		{"bad --at", "maintenance start 2h a=b --at tomorrow", nil, bot.CodeInvalid, []string{`--at "tomorrow" is not a time`}},
		{"--at in the past", "maintenance start 2h a=b --at 2026-01-01T00:00Z", nil, bot.CodeInvalid, []string{"--at must be from now to a year ahead"}},
		{"bad duration", "maintenance start soon a=b", nil, bot.CodeInvalid, []string{`duration "soon" is not a duration`}},
		{"digest period", "digest 2y", nil, bot.CodeInvalid, []string{`duration "2y" is not a duration`}},
		{"digest range", "digest 30m", nil, bot.CodeInvalid, []string{"a digest covers 1h to 366d"}},
		{"page without target", "page INC-1", nil, bot.CodeInvalid, []string{"name a service or a person to page"}},
		{"ticket takes no text", "ticket INC-1 now", nil, bot.CodeInvalid, []string{"ticket takes no arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.fail = tt.fail
			defer func() { f.fail = nil }()
			before := e.snapshot()
			_, err := e.run(tt.text)
			wantErr(t, err, tt.code, tt.parts...)
			if strings.Contains(bot.ErrorMessage(err), "secret-token") {
				t.Errorf("message leaks the cause: %q", bot.ErrorMessage(err))
			}
			e.unchanged(before)
		})
	}
	_ = inc
}
