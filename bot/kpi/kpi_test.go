package kpi_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

var t0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }
func ptr(t time.Time) *time.Time   { return &t }

const (
	m = time.Minute
	h = time.Hour
	d = 24 * time.Hour
)

// inc builds an incident declared at decl, with optional ack and resolve
// offsets from it (negative: not set).
func inc(n int64, sev bot.Severity, svc, src string, started, decl time.Time, ack, res time.Duration) *bot.Incident {
	i := &bot.Incident{Number: n, Severity: sev, Service: svc, Source: src, StartedAt: started, DeclaredAt: decl, Status: bot.StatusTriggered}
	if ack >= 0 {
		i.AcknowledgedAt = ptr(decl.Add(ack))
		i.Status = bot.StatusInvestigating
	}
	if res >= 0 {
		i.ResolvedAt = ptr(decl.Add(res))
		i.Status = bot.StatusResolved
	}
	return i
}

func slas() map[bot.Severity]bot.SLA {
	s := bot.DefaultSLAs()
	v := s[bot.SEV1]
	v.UpdateCadence = 30 * m
	s[bot.SEV1] = v
	return s
}

// fixture is the hand-computed week of the tables below.
func fixture() (kpi.Input, bot.KPIQuery) {
	incs := []*bot.Incident{
		inc(1, bot.SEV1, "api", "manual", at(h-2*m), at(h), 3*m, 2*h),         // A: all met
		inc(2, bot.SEV1, "api", "manual", at(2*d), at(2*d), 10*m, 5*h),        // B: ack and resolve missed
		inc(3, bot.SEV1, "db", "manual", at(3*d), at(3*d), 4*m, 6*h),          // C: reopened, resolved again at 6h
		inc(4, bot.SEV2, "db", "alertmanager", at(7*d-h), at(7*d-h), -1, -1),  // D: unacknowledged for 1h
		inc(5, bot.SEV2, "api", "manual", at(7*d-10*m), at(7*d-10*m), -1, -1), // E: unacknowledged, still in time
		inc(6, bot.SEV1, "api", "manual", at(4*d), at(4*d), 30*m, 10*h),       // F: in maintenance
		inc(7, bot.SEV3, "web", "manual", at(-d), at(-d), m, h),               // G: previous period
		inc(8, bot.SEV1, "api", "manual", at(-3*d), at(-3*d), m, h),           // H: previous period
	}
	in := kpi.Input{
		Incidents: incs,
		Timelines: map[int64][]bot.Entry{
			2: {{Kind: bot.EntrySLABreached, Data: map[string]string{"sla": bot.SLAUpdate}},
				{Kind: bot.EntrySLABreached, Data: map[string]string{"sla": bot.SLAUpdate}}}, // twice: one incident
			3: {{Kind: bot.EntryResolved}, {Kind: bot.EntryReopened}, {Kind: bot.EntryResolved}},
		},
		Actions: []bot.ActionItem{
			{Status: bot.ActionDone, CreatedAt: at(d), DoneAt: ptr(at(2 * d))},
			{Status: bot.ActionOpen, CreatedAt: at(-5 * d), Due: ptr(at(5 * d))},
			{Status: bot.ActionOpen, CreatedAt: at(3 * d), Due: ptr(at(10 * d))},
		},
		Alerts:      []string{"HighLatency", "DiskFull", "HighLatency"},
		AlertGroups: map[string][]int64{"alertname=HighLatency": {1, 2, 2}, "alertname=DiskFull": {4}},
	}
	q := bot.KPIQuery{
		From: t0, To: at(7 * d), Now: at(7 * d), SLAs: slas(),
		Buckets: kpi.Buckets(t0, at(7*d), time.UTC),
		Maintenance: []bot.MaintenanceWindow{
			{StartsAt: at(4*d - h), EndsAt: at(4*d + h), Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "api"}}},
			{StartsAt: at(3*d - h), EndsAt: at(3*d + h), Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "web"}}}, // other service: C counts
		},
	}
	return in, q
}

func build(in kpi.Input, q bot.KPIQuery) kpi.Report {
	pf, pt := kpi.Previous(q.From, q.To, q.To.Sub(q.From), time.UTC)
	pq := q
	pq.From, pq.To = pf, pt
	return kpi.Build(kpi.Aggregate(in, q), kpi.Aggregate(in, pq), q)
}

func TestReportHandComputed(t *testing.T) {
	in, q := fixture()
	r := build(in, q)
	if r.Total != 6 || r.Prev != 2 {
		t.Errorf("total %d prev %d, want 6 and 2", r.Total, r.Prev)
	}
	want := []kpi.SeverityRow{
		{Severity: bot.SEV1, Count: 4, Prev: 1, InMaintenance: 1,
			MTTD:       kpi.Stats{N: 4, Median: 0, P90: 2 * m, Mean: 30 * time.Second},
			MTTA:       kpi.Stats{N: 4, Median: 4 * m, P90: 30 * m, Mean: 11*m + 45*time.Second},
			MTTR:       kpi.Stats{N: 4, Median: 5 * h, P90: 10 * h, Mean: 5*h + 45*m},
			Ack:        kpi.Compliance{Met: 2, Missed: 1},
			Resolve:    kpi.Compliance{Met: 1, Missed: 2},
			Update:     kpi.Compliance{Met: 2, Missed: 1},
			Postmortem: kpi.Compliance{}},
		{Severity: bot.SEV2, Count: 2,
			MTTD:    kpi.Stats{N: 2},
			Ack:     kpi.Compliance{Missed: 1, Pending: 1}, // E is still in time
			Resolve: kpi.Compliance{Pending: 2}},
		{Severity: bot.SEV3, Prev: 1},
		{Severity: bot.SEV4},
	}
	if diff := cmp.Diff(want, r.Severities); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
	if r.Reopened != 1 || r.InMaintenance != 1 {
		t.Errorf("reopened %d in maintenance %d, want 1 and 1", r.Reopened, r.InMaintenance)
	}
	wantOpen := []kpi.OpenRow{{Severity: bot.SEV2, ByAge: []int64{1, 1, 0, 0}}}
	if diff := cmp.Diff(wantOpen, r.Open); diff != "" {
		t.Errorf("open (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(bot.ActionCounts{Opened: 2, Closed: 1, Overdue: 1}, r.Actions); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bot.NameCount{{Name: "HighLatency", N: 2}, {Name: "DiskFull", N: 1}}, r.NoisyAlerts); diff != "" {
		t.Errorf("noisy alerts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bot.NameCount{{Name: "api", N: 4}, {Name: "db", N: 2}}, r.NoisyServices); diff != "" {
		t.Errorf("noisy services (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bot.NameCount{{Name: "alertname=HighLatency", N: 2}}, r.RecurringGroups); diff != "" {
		t.Errorf("recurring groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.NoisyServices, r.Recurring); diff != "" {
		t.Errorf("recurring (-noisy +recurring):\n%s", diff)
	}
	wantSrc := []kpi.Row{{Name: "manual", Count: 5, Prev: 2}, {Name: "alertmanager", Count: 1}}
	var gotSrc []kpi.Row
	for _, s := range r.Sources {
		gotSrc = append(gotSrc, kpi.Row{Name: s.Name, Count: s.Count, Prev: s.Prev})
	}
	if diff := cmp.Diff(wantSrc, gotSrc); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if got := r.Series[0]; got.Counts[bot.SEV1] != 1 || got.MTTR != 2*h {
		t.Errorf("day 1 = %+v, want one SEV1 with MTTR 2h", got)
	}
	if got := r.Series[6]; got.Counts[bot.SEV2] != 2 || got.Resolved != 0 {
		t.Errorf("day 7 = %+v, want two unresolved SEV2", got)
	}
	if pct, ok := kpi.Change(r.Severities[0].Count, r.Severities[0].Prev); !ok || pct != 300 {
		t.Errorf("SEV1 change = %v %v, want +300%%", pct, ok)
	}
}

func TestNoIncidents(t *testing.T) {
	_, q := fixture()
	r := build(kpi.Input{}, q)
	if r.Total != 0 || r.Prev != 0 || len(r.Services) != 0 || len(r.Open) != 0 {
		t.Fatalf("empty report = %+v", r)
	}
	for _, row := range r.Severities {
		if row.MTTA.N != 0 || row.Ack.Total() != 0 {
			t.Errorf("%s: %+v, want nothing measured", row.Severity, row)
		}
		if _, ok := row.Ack.Percent(); ok {
			t.Errorf("%s: ack compliance decided with no incidents", row.Severity)
		}
	}
	if _, ok := kpi.Change(0, 0); ok {
		t.Error("change against an empty period must be undefined")
	}
}

func TestSeverityFilter(t *testing.T) {
	in, q := fixture()
	q.Severities = []bot.Severity{bot.SEV2}
	r := build(in, q)
	if r.Total != 2 || len(r.Severities) != 1 || r.Severities[0].Severity != bot.SEV2 {
		t.Fatalf("SEV2-only report: total %d rows %+v", r.Total, r.Severities)
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{[]time.Duration{7}, 0.9, 7},
		{[]time.Duration{4, 1, 3, 2}, 0.5, 2},
		{[]time.Duration{4, 1, 3, 2}, 0.9, 4},
		{[]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 9},
		{[]time.Duration{5, 5, 5, 1}, 0.5, 5},
	}
	for _, tc := range tests {
		if got := kpi.Percentile(tc.in, tc.p); got != tc.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", tc.in, tc.p, got, tc.want)
		}
	}
}

func TestPeriodAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	// Summer time starts on Sunday 2026-03-29 in Berlin: that day has 23 hours.
	end := time.Date(2026, 3, 31, 9, 0, 0, 0, berlin)
	from, to := kpi.Period(end, 7*kpi.Day, berlin)
	if got := to.Sub(from); got != 167*time.Hour {
		t.Errorf("7d across DST = %v, want 167h", got)
	}
	if want := time.Date(2026, 3, 24, 9, 0, 0, 0, berlin); !from.Equal(want) {
		t.Errorf("from = %v, want %v", from, want)
	}
	b := kpi.Buckets(from, to, berlin)
	if len(b) != 9 {
		t.Fatalf("buckets = %d boundaries, want 9 (8 local days)", len(b))
	}
	lens := map[time.Duration]int{}
	for i := 1; i < len(b); i++ {
		lens[b[i].Sub(b[i-1])]++
	}
	if lens[23*time.Hour] != 1 || lens[24*time.Hour] != 7 {
		t.Errorf("day lengths = %v, want one 23h day and seven 24h days", lens)
	}
	// An incident at 23:30 local on the short day lands on that day, not the next.
	in := kpi.Input{Incidents: []*bot.Incident{
		inc(1, bot.SEV2, "api", "manual", time.Date(2026, 3, 29, 23, 30, 0, 0, berlin).UTC(), time.Date(2026, 3, 29, 23, 30, 0, 0, berlin).UTC(), m, h),
	}}
	q := bot.KPIQuery{From: from, To: to, Now: to, Buckets: b, SLAs: bot.DefaultSLAs()}
	r := kpi.Build(kpi.Aggregate(in, q), nil, q)
	for _, bk := range r.Series {
		if bk.Counts[bot.SEV2] == 1 && bk.Start.In(berlin).Day() != 29 {
			t.Errorf("incident counted on %v, want March 29", bk.Start.In(berlin))
		}
	}
}

func TestParsePeriod(t *testing.T) {
	tests := map[string]time.Duration{"7d": 7 * d, "30d": 30 * d, "2w": 14 * d, "12h": 12 * h, "all": 0}
	for in, want := range tests {
		got, err := kpi.ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "d", "-3d", "7x", "0d"} {
		if _, err := kpi.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

func TestDurationBucketOf(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{-time.Second, 0},
		{90 * time.Second, 90 * time.Second},
		{127*time.Second + 900*time.Millisecond, 127 * time.Second},
		{129 * time.Second, 128 * time.Second},
		{300 * time.Second, 300 * time.Second},
		{5401 * time.Second, 5376 * time.Second},
	}
	for _, tc := range tests {
		if got := bot.DurationBucketOf(tc.in); got != tc.want {
			t.Errorf("DurationBucketOf(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCalendar(t *testing.T) {
	cal := kpi.Calendar{Holidays: map[string]bool{"2026-12-25": true}}
	fri := time.Date(2026, 12, 18, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{fri, 1, time.Date(2026, 12, 21, 15, 0, 0, 0, time.UTC)},                                      // Monday
		{fri, 5, time.Date(2026, 12, 28, 15, 0, 0, 0, time.UTC)},                                      // skips Christmas
		{time.Date(2026, 12, 19, 10, 0, 0, 0, time.UTC), 1, fri.AddDate(0, 0, 3).Add(-5 * time.Hour)}, // Saturday → Monday
		{fri, 0, fri},
	}
	for _, tc := range tests {
		if got := cal.AddBusinessDays(tc.from, tc.n); !got.Equal(tc.want) {
			t.Errorf("AddBusinessDays(%v, %d) = %v, want %v", tc.from, tc.n, got, tc.want)
		}
	}
	if got := cal.Due(fri, 2*kpi.Day+3*time.Hour); !got.Equal(time.Date(2026, 12, 22, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("Due = %v", got)
	}
	fourDay := kpi.Calendar{Workdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}}
	if got := fourDay.AddBusinessDays(time.Date(2026, 12, 17, 9, 0, 0, 0, time.UTC), 1); got.Weekday() != time.Monday {
		t.Errorf("Thursday + 1 on a four-day week = %v", got.Weekday())
	}
}

func TestDurationBucketMid(t *testing.T) {
	for _, d := range []time.Duration{0, 90 * time.Second, 2 * time.Hour, 5*time.Hour + 17*time.Minute, 9 * 24 * time.Hour} {
		mid := bot.DurationBucketMid(d)
		if diff := float64(mid-d) / float64(max(d, time.Second)); diff > 0.008 || diff < -0.008 {
			t.Errorf("DurationBucketMid(%v) = %v, off by %.2f%%", d, mid, 100*diff)
		}
	}
}
