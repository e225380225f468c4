package bot_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
)

// newAlertFixture is a Service over a real SQLite store with alert routing cfg.
func newAlertFixture(t testing.TB, cfg bot.AlertConfig) *fixture {
	t.Helper()
	f := &fixture{clock: testkit.NewClock(testkit.Start), ctx: context.Background()}
	env := testkit.NewService(t, testkit.WithClock(f.clock), testkit.WithConfig(bot.Config{
		Targets: []string{"console"}, PublicURL: "http://w/",
		AfterCommit: func() { f.pokes.Add(1) }, Alerts: cfg,
	}))
	f.svc, f.store = env.Svc, env.Store
	return f
}

func firing(fp, group string, labels ...string) bot.Alert {
	a := bot.Alert{Source: "alertmanager", Fingerprint: fp, GroupKey: group, Status: bot.AlertFiring,
		Labels: map[string]string{}, StartsAt: time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)}
	for i := 0; i+1 < len(labels); i += 2 {
		a.Labels[labels[i]] = labels[i+1]
	}
	return a
}

func resolved(a bot.Alert) bot.Alert {
	a.Status = bot.AlertResolved
	end := a.StartsAt.Add(time.Hour)
	a.EndsAt = &end
	return a
}

func (f *fixture) handle(t testing.TB, alerts ...bot.Alert) bot.AlertResult {
	t.Helper()
	res, err := f.svc.HandleAlerts(f.ctx, bot.Cause{}, alerts)
	if err != nil {
		t.Fatalf("HandleAlerts: %v", err)
	}
	return res
}

func (f *fixture) incidents(t testing.TB) []*bot.Incident {
	t.Helper()
	incs, err := f.svc.List(f.ctx, bot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(incs)
	return incs
}

func TestHandleAlertsRejectsInvalidBeforeWriting(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	good := firing("a", "g", "alertname", "A")
	for name, bad := range map[string]bot.Alert{
		"no fingerprint": {Source: "alertmanager", Status: bot.AlertFiring},
		"no source":      {Fingerprint: "x", Status: bot.AlertFiring},
		"bad status":     {Source: "alertmanager", Fingerprint: "x", Status: "pending"},
		"long fp":        {Source: "alertmanager", Fingerprint: strings.Repeat("x", 300), Status: bot.AlertFiring},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.svc.HandleAlerts(f.ctx, bot.Cause{}, []bot.Alert{good, bad})
			if bot.ErrorCode(err) != bot.CodeInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
		})
	}
	if n := len(f.incidents(t)); n != 0 {
		t.Errorf("%d incidents after invalid deliveries, want 0", n)
	}
}

func TestDuplicateDeliveriesMakeOneIncident(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	a := firing("fp1", "{}:{alertname=\"HighLatency\"}", "alertname", "HighLatency", "severity", "critical", "service", "checkout")
	a.Annotations = map[string]string{"summary": "Checkout p99 above 2s"}
	first := f.handle(t, a)
	if first.Accepted != 1 || len(first.Incidents) != 1 {
		t.Fatalf("first delivery = %+v", first)
	}
	declared := f.incidents(t)[0]
	f.jobs(t) // the declaration's
	f.clock.Advance(time.Minute)
	for range 999 {
		if res := f.handle(t, a); res.Duplicates != 1 || res.Accepted != 0 || len(res.Incidents) != 0 {
			t.Fatalf("redelivery = %+v", res)
		}
	}
	incs := f.incidents(t)
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1", len(incs))
	}
	inc := incs[0]
	if inc.Title != "HighLatency on checkout" || inc.Severity != bot.SEV2 || inc.Service != "checkout" ||
		inc.Source != "alertmanager" || inc.Alerts != 1 || inc.AlertsFiring != 1 || !inc.StartedAt.Equal(a.StartsAt) {
		t.Errorf("incident = %+v", inc)
	}
	if k := f.kinds(t, 1); !slices.Equal(k, []bot.EntryKind{bot.EntryDeclared, bot.EntryAlertFired}) {
		t.Errorf("timeline = %v", k)
	}
	// A redelivery reads the group's incident and leaves it as it was.
	if jobs := f.jobs(t); inc.Version != declared.Version || !inc.UpdatedAt.Equal(declared.UpdatedAt) || len(jobs) != 0 {
		t.Errorf("after redeliveries: version %d, updated %v, jobs %v; before: version %d, updated %v",
			inc.Version, inc.UpdatedAt, jobs, declared.Version, declared.UpdatedAt)
	}
}

func TestGroupAttachResolveAndAutoResolve(t *testing.T) {
	for _, auto := range []bool{false, true} {
		t.Run(fmt.Sprintf("auto_resolve=%v", auto), func(t *testing.T) {
			f := newAlertFixture(t, bot.AlertConfig{Routes: []bot.Route{{
				Name: "db", Matchers: []bot.Matcher{{Name: "team", Op: "=", Value: "db"}},
				GroupBy: []string{"cluster"}, Severity: bot.SEV1, Service: "database", AutoDeclare: true, AutoResolve: auto,
			}}})
			a1 := firing("a1", "am1", "team", "db", "cluster", "c1", "alertname", "DiskFull")
			a2 := firing("a2", "am2", "team", "db", "cluster", "c1", "alertname", "ReplicaLag")
			f.handle(t, a1)
			res := f.handle(t, a2)
			if !slices.Equal(res.Incidents, []int64{1}) {
				t.Fatalf("second alert went to %v, want INC-1", res.Incidents)
			}
			f.handle(t, resolved(a1))
			inc, _ := f.svc.Get(f.ctx, 1)
			if inc.Status != bot.StatusTriggered || inc.Alerts != 2 || inc.AlertsFiring != 1 || inc.Severity != bot.SEV1 || inc.Service != "database" {
				t.Fatalf("after one resolution: %+v", inc)
			}
			if card := f.svc.Card(inc); !slices.ContainsFunc(card.Fields, func(x bot.Field) bool { return x.Label == "Alerts" && x.Value == "1 firing of 2" }) {
				t.Errorf("card fields = %+v", card.Fields)
			}
			f.handle(t, resolved(a2))
			inc, _ = f.svc.Get(f.ctx, 1)
			want := bot.StatusTriggered
			if auto {
				want = bot.StatusResolved
			}
			if inc.Status != want || inc.AlertsFiring != 0 {
				t.Errorf("after all resolved: status %s firing %d, want %s", inc.Status, inc.AlertsFiring, want)
			}
			tl, _ := f.svc.Timeline(f.ctx, 1)
			if !slices.ContainsFunc(tl, func(e bot.Entry) bool { return e.Kind == bot.EntryAlertResolved && e.Data["all"] == "true" }) {
				t.Errorf("timeline does not say all alerts resolved: %+v", tl)
			}
			if n := len(f.incidents(t)); n != 1 {
				t.Errorf("%d incidents, want 1", n)
			}
		})
	}
}

func TestReopenWindow(t *testing.T) {
	route := bot.Route{Name: "all", GroupBy: []string{"alertname"}, AutoDeclare: true, AutoResolve: true, ReopenWindow: 30 * time.Minute}
	f := newAlertFixture(t, bot.AlertConfig{Routes: []bot.Route{route}})
	a := firing("x", "", "alertname", "Flappy")
	f.handle(t, a)
	f.handle(t, resolved(a))
	if inc, _ := f.svc.Get(f.ctx, 1); inc.Status != bot.StatusResolved {
		t.Fatalf("status %s, want resolved", inc.Status)
	}
	// Fires again (new start) within the window: the same incident reopens.
	f.clock.Advance(10 * time.Minute)
	b := a
	b.StartsAt = a.StartsAt.Add(20 * time.Minute)
	if res := f.handle(t, b); !slices.Equal(res.Incidents, []int64{1}) {
		t.Fatalf("refire went to %v, want INC-1", res.Incidents)
	}
	if inc, _ := f.svc.Get(f.ctx, 1); inc.Status != bot.StatusInvestigating {
		t.Fatalf("status %s, want investigating (reopened)", inc.Status)
	}
	f.handle(t, resolved(b))
	// Beyond the window: a new incident, and the old one is left as it was.
	f.clock.Advance(time.Hour)
	old, _ := f.svc.Get(f.ctx, 1)
	c := a
	c.StartsAt = a.StartsAt.Add(2 * time.Hour)
	if res := f.handle(t, c); !slices.Equal(res.Incidents, []int64{2}) {
		t.Fatalf("late refire went to %v, want INC-2", res.Incidents)
	}
	if inc, _ := f.svc.Get(f.ctx, 1); inc.Version != old.Version || !inc.UpdatedAt.Equal(old.UpdatedAt) {
		t.Errorf("INC-1 after the late refire: version %d, updated %v; before: %d, %v", inc.Version, inc.UpdatedAt, old.Version, old.UpdatedAt)
	}
	// A closed incident is never reopened.
	if _, err := f.svc.Close(f.ctx, 2, "alice"); err != nil {
		t.Fatal(err)
	}
	d := a
	d.StartsAt = a.StartsAt.Add(3 * time.Hour)
	if res := f.handle(t, d); !slices.Equal(res.Incidents, []int64{3}) {
		t.Fatalf("refire after close went to %v, want INC-3", res.Incidents)
	}
}

func TestRecordOnlyRouteAndStaleFiring(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{Routes: []bot.Route{{Name: "quiet", Matchers: []bot.Matcher{{Name: "severity", Op: "=~", Value: "info|debug"}}}}})
	if res := f.handle(t, firing("i", "g", "severity", "info")); res.Accepted != 1 || len(res.Incidents) != 0 {
		t.Fatalf("record-only = %+v", res)
	}
	a := firing("w", "g", "severity", "warning")
	f.handle(t, a)
	f.handle(t, resolved(a))
	// A late firing copy of a resolved alert changes nothing.
	if res := f.handle(t, a); res.Duplicates != 1 {
		t.Errorf("stale firing = %+v", res)
	}
	if res := f.handle(t, resolved(a)); res.Duplicates != 1 {
		t.Errorf("repeated resolution = %+v", res)
	}
	if n := len(f.incidents(t)); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
}

func TestMaintenanceSuppresses(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	m := f.svc.Maintenance()
	w, err := m.Start(f.ctx, bot.MaintenanceWindow{
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "db"}, {Name: "env", Op: "=~", Value: "prod.*"}},
		EndsAt:   f.clock.At(2 * time.Hour), CreatedBy: "@alice", Comment: "upgrade",
	})
	if err != nil {
		t.Fatal(err)
	}
	quiet := firing("q", "g1", "service", "db", "env", "prod-eu", "alertname", "Down")
	loud := firing("l", "g2", "service", "db", "env", "staging", "alertname", "Down")
	res := f.handle(t, quiet, loud)
	if res.Suppressed != 1 || res.Accepted != 1 || len(res.Incidents) != 1 {
		t.Fatalf("result = %+v", res)
	}
	if r := f.handle(t, quiet); r.Duplicates != 1 {
		t.Errorf("redelivered suppressed alert = %+v", r)
	}
	if r := f.handle(t, resolved(quiet)); r.Suppressed != 1 || len(r.Incidents) != 0 {
		t.Errorf("resolution of suppressed alert = %+v", r)
	}
	ws, err := m.List(f.ctx, f.clock.Now())
	if err != nil || len(ws) != 1 || ws[0].Suppressed != 1 || ws[0].ID != w.ID {
		t.Fatalf("windows = %+v, %v", ws, err)
	}
	recorded, err := f.store.Alerts(f.ctx, bot.AlertFilter{Window: w.ID})
	if err != nil || len(recorded) != 1 || recorded[0].Fingerprint != "q" || recorded[0].Incident != 0 {
		t.Errorf("alerts of the window = %+v, %v", recorded, err)
	}
	if _, err := m.End(f.ctx, w.ID, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.End(f.ctx, w.ID, "bob"); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("ending twice = %v, want conflict", err)
	}
	if _, err := m.End(f.ctx, 99, "bob"); bot.ErrorCode(err) != bot.CodeNotFound {
		t.Errorf("ending unknown = %v, want not found", err)
	}
	// After the window, the same labels declare.
	again := quiet
	again.Fingerprint = "q2"
	if r := f.handle(t, again); len(r.Incidents) != 1 || r.Suppressed != 0 {
		t.Errorf("after the window = %+v", r)
	}
	kinds := f.jobs(t)
	if n := strings.Count(strings.Join(kinds, ","), "console.announce"); n != 2 {
		t.Errorf("jobs %v: want 2 announcements (start, end)", kinds)
	}
}

func TestScheduledAndConfiguredWindows(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	ms := []bot.Matcher{{Name: "service", Op: "=", Value: "db"}}
	cfg := []bot.MaintenanceWindow{{Name: "nightly", Matchers: ms, StartsAt: f.clock.At(time.Hour), EndsAt: f.clock.At(2 * time.Hour)}}
	for range 2 { // a restart stores it once
		if err := f.svc.StartConfigured(f.ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	ws, _ := f.svc.Maintenance().List(f.ctx, f.clock.Now())
	if len(ws) != 1 || ws[0].Name != "nightly" {
		t.Fatalf("windows = %+v", ws)
	}
	a := firing("a", "g", "service", "db")
	if r := f.handle(t, a); r.Suppressed != 0 || len(r.Incidents) != 1 {
		t.Errorf("before the scheduled window = %+v", r)
	}
	f.clock.Advance(90 * time.Minute)
	b := firing("b", "g2", "service", "db")
	if r := f.handle(t, b); r.Suppressed != 1 {
		t.Errorf("inside the scheduled window = %+v", r)
	}
}

func TestStormMakesOneIncidentPerGroup(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	const groups, perDelivery, total = 20, 10, 10000
	var wg sync.WaitGroup
	errs := make(chan error, total/perDelivery)
	sem := make(chan struct{}, 32)
	for d := range total / perDelivery {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			g := d % groups
			alerts := make([]bot.Alert, perDelivery)
			for i := range alerts {
				alerts[i] = firing(fmt.Sprintf("fp-%d-%d", d, i), fmt.Sprintf("group-%d", g), "alertname", fmt.Sprintf("A%d", g))
			}
			if _, err := f.svc.HandleAlerts(f.ctx, bot.Cause{}, alerts); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	incs := f.incidents(t)
	if len(incs) != groups {
		t.Fatalf("%d incidents, want %d", len(incs), groups)
	}
	sum := 0
	for _, inc := range incs {
		sum += inc.Alerts
	}
	if sum != total {
		t.Errorf("incidents hold %d alerts, want %d", sum, total)
	}
	stored, err := f.store.Alerts(f.ctx, bot.AlertFilter{})
	if err != nil || len(stored) != total {
		t.Errorf("%d alerts stored, want %d (%v)", len(stored), total, err)
	}
	// Attaching 500 alerts per incident does not post 500 times: card jobs coalesce.
	kinds := f.jobs(t)
	if len(kinds) > 3*groups {
		t.Errorf("%d outbox jobs for %d incidents: chat edits are not coalesced", len(kinds), groups)
	}
}

func TestGroupCommitIsolatesFailures(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	var wg sync.WaitGroup
	const n = 200
	results := make([]bot.AlertResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := firing(fmt.Sprintf("fp%d", i%50), fmt.Sprintf("g%d", i%5), "alertname", "X")
			results[i], errs[i] = f.svc.HandleAlerts(f.ctx, bot.Cause{}, []bot.Alert{a})
		}()
	}
	wg.Wait()
	acc, dup := 0, 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("delivery %d: %v", i, errs[i])
		}
		acc += results[i].Accepted
		dup += results[i].Duplicates
	}
	if acc != 50 || dup != 150 {
		t.Errorf("accepted %d duplicates %d, want 50 and 150", acc, dup)
	}
	if got := len(f.incidents(t)); got != 5 {
		t.Errorf("%d incidents, want 5", got)
	}
}

func TestGroupCommitShedsWhenFull(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{MaxQueued: 10, MaxBatch: 10})
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[bot.Code]int{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			alerts := make([]bot.Alert, 5)
			for j := range alerts {
				alerts[j] = firing(fmt.Sprintf("%d-%d", i, j), "g", "alertname", "X")
			}
			_, err := f.svc.HandleAlerts(f.ctx, bot.Cause{}, alerts)
			mu.Lock()
			codes[bot.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[""]+codes[bot.CodeUnavailable] != 50 {
		t.Fatalf("codes = %v, want only successes and unavailable", codes)
	}
	stored, _ := f.store.Alerts(f.ctx, bot.AlertFilter{})
	if len(stored) != 5*codes[""] {
		t.Errorf("%d alerts stored for %d committed deliveries", len(stored), codes[""])
	}
}

// blockingStore holds every transaction until release is closed.
type blockingStore struct {
	bot.Store
	entered chan struct{}
	release chan struct{}
}

func (b *blockingStore) InTx(ctx context.Context, fn func(tx bot.Tx) error) error {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-b.release
	return b.Store.InTx(ctx, fn)
}

func TestGroupCommitShedsInsteadOfGrowing(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	bs := &blockingStore{Store: f.store, entered: make(chan struct{}, 1), release: make(chan struct{})}
	svc, err := bot.NewService(bot.Config{Now: f.clock.Now, Alerts: bot.AlertConfig{MaxQueued: 20}}, bs, nil)
	if err != nil {
		t.Fatal(err)
	}
	batch := func(prefix string, n int) []bot.Alert {
		out := make([]bot.Alert, n)
		for i := range out {
			out[i] = firing(fmt.Sprintf("%s-%d", prefix, i), "g", "alertname", "X")
		}
		return out
	}
	first := make(chan error, 1)
	go func() {
		_, err := svc.HandleAlerts(f.ctx, bot.Cause{}, batch("first", 5))
		first <- err
	}()
	<-bs.entered // the committer is inside its transaction, held
	// Queue deliveries (each probe gives up waiting after a moment but
	// stays queued) until the bounded queue refuses one.
	shed := false
	for deadline := time.Now().Add(10 * time.Second); !shed && time.Now().Before(deadline); {
		ctx, cancel := context.WithTimeout(f.ctx, 20*time.Millisecond)
		_, err := svc.HandleAlerts(ctx, bot.Cause{}, batch(fmt.Sprint(time.Now().UnixNano()), 5))
		cancel()
		switch bot.ErrorCode(err) {
		case bot.CodeUnavailable:
			shed = true
		case bot.CodeInternal: // context deadline: queued
		default:
			t.Fatalf("HandleAlerts while the committer is busy = %v", err)
		}
	}
	if !shed {
		t.Fatal("the queue never refused a delivery")
	}
	close(bs.release)
	if err := <-first; err != nil {
		t.Fatalf("the first delivery failed: %v", err)
	}
}

func TestHandleAlertsWithDeliveryMarksOnce(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	cause := bot.Cause{Delivery: bot.Delivery{Source: "test.webhook", Key: "d1"}}
	two := []bot.Alert{firing("a", "g1", "alertname", "A"), firing("b", "g2", "alertname", "B")}
	res, err := f.svc.HandleAlerts(f.ctx, cause, two)
	if err != nil || len(res.Incidents) != 2 {
		t.Fatalf("first delivery = %+v, %v", res, err)
	}
	more := []bot.Alert{firing("c", "g3", "alertname", "C")}
	if _, err := f.svc.HandleAlerts(f.ctx, cause, more); bot.ErrorCode(err) != bot.CodeConflict {
		t.Errorf("redelivery under the same id = %v, want the duplicate-delivery conflict", err)
	}
	if n := len(f.incidents(t)); n != 2 {
		t.Errorf("%d incidents, want 2", n)
	}
}

// TestAttachToOpenIncidentKeepsTheRest: alerts attached to an open
// incident change its alert counts, version and update time and nothing
// else, add one timeline entry per delivery and no audit record; an
// attach in the same batch as a resolution is counted as well.
func TestAttachToOpenIncidentKeepsTheRest(t *testing.T) {
	f := newAlertFixture(t, bot.AlertConfig{})
	a := firing("a", "g", "alertname", "Down")
	f.handle(t, a)
	if _, err := f.svc.AssignRole(f.ctx, 1, "bob", "commander", "@bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetSeverity(f.ctx, 1, "bob", bot.SEV1); err != nil {
		t.Fatal(err)
	}
	before, err := f.svc.Get(f.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	audits := func() int {
		t.Helper()
		recs, err := f.store.Audit(f.ctx, bot.AuditFilter{Incident: 1})
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	audited, entries := audits(), len(f.kinds(t, 1))
	f.clock.Advance(time.Minute)
	if res := f.handle(t, firing("b", "g", "alertname", "Down"), firing("c", "g", "alertname", "Down")); res.Accepted != 2 {
		t.Fatalf("attach = %+v", res)
	}
	after, err := f.svc.Get(f.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := before.Clone()
	want.Alerts, want.AlertsFiring, want.Version, want.UpdatedAt = before.Alerts+2, before.AlertsFiring+2, before.Version+1, f.clock.Now()
	if !reflect.DeepEqual(want, after) {
		t.Errorf("after attaching:\n got %+v\nwant %+v", after, want)
	}
	if n := audits(); n != audited {
		t.Errorf("attaching wrote %d audit records, want none", n-audited)
	}
	if k := f.kinds(t, 1); len(k) != entries+1 || k[len(k)-1] != bot.EntryAlertFired {
		t.Errorf("timeline after attaching = %v, want one more alert entry", k)
	}
	f.clock.Advance(time.Minute)
	f.handle(t, firing("d", "g", "alertname", "Down"), resolved(a))
	mixed, err := f.svc.Get(f.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if mixed.Alerts != after.Alerts+1 || mixed.AlertsFiring != after.AlertsFiring || mixed.Version != after.Version+1 ||
		!mixed.UpdatedAt.Equal(f.clock.Now()) || mixed.Status != after.Status {
		t.Errorf("after an attach and a resolution: %+v", mixed)
	}
}
