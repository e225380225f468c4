package sqlstore_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/testkit"
	"github.com/warroom/warroom/storage/internal/sqlstore"
	"github.com/warroom/warroom/storage/sqlite"
)

// fullScan is a step of a SQLite query plan that reads a whole table or
// index (SCAN) rather than a range of one (SEARCH); subqueries the plan
// materialises itself (m, subquery-N) are bounded by their own steps, and
// the partial indexes of the few open and private incidents are small by
// construction.
var (
	fullScan = regexp.MustCompile(`^SCAN (incidents|i|timeline|t|alerts|action_items|incident_marks|mk)\b`)
	small    = regexp.MustCompile(`USING (COVERING )?INDEX (incidents_unclosed|incidents_private)$`)
)

// checkPlan fails when SQLite's plan of s scans a table in full, or does
// not use every index in uses.
func checkPlan(t *testing.T, db *sqlite.Store, name string, s sqlstore.Statement, uses ...string) {
	t.Helper()
	steps := planSteps(t, db, name, s)
	all := strings.Join(steps, "\n")
	for _, st := range steps {
		if fullScan.MatchString(st) && !small.MatchString(st) {
			t.Errorf("%s reads a whole table (%s):\n%s", name, st, all)
		}
	}
	for _, idx := range uses {
		if !regexp.MustCompile(`\b` + idx + `\b`).MatchString(all) {
			t.Errorf("%s does not use index %s:\n%s", name, idx, all)
		}
	}
}

// TestInsightsReadTheirPeriod: every statement behind a period's insights
// reads ranges of indexes bounded by the period (or the few open
// incidents and open action items), never a whole table, with and without
// filters and maintenance windows.
func TestInsightsReadTheirPeriod(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	win := bot.MaintenanceWindow{StartsAt: to.Add(-48 * time.Hour), EndsAt: to.Add(-47 * time.Hour),
		Matchers: []bot.Matcher{{Name: "service", Op: "=", Value: "api"}}}
	want := map[string][]string{
		"rows": {"incidents_kpi"}, "counts": {"incidents_kpi"}, "tiles": {"incidents_kpi"}, "breaches": {"incident_marks_declared"},
		"next source":  {"COVERING INDEX incidents_kpi"},
		"next service": {"COVERING INDEX incidents_kpi"}, "open rows": {"incidents_unclosed"},
		"open": {"incidents_unclosed"}, "alerts": {"alerts_starts_rule"}, "groups": {"alerts_starts_rule"},
		"actions": {"action_items_created", "action_items_done", "action_items_open_due"},
	}
	for _, tc := range []struct {
		name string
		q    bot.KPIQuery
	}{
		{"all", bot.KPIQuery{}},
		{"filtered", bot.KPIQuery{Severities: []bot.Severity{bot.SEV1}, Services: []string{"api"}, Sources: []string{"alertmanager"}}},
		{"by severity", bot.KPIQuery{Severities: []bot.Severity{bot.SEV1}}},
		{"maintenance", bot.KPIQuery{Maintenance: []bot.MaintenanceWindow{win}}},
	} {
		q := tc.q
		q.From, q.To, q.Now, q.SLAs = to.Add(-30*24*time.Hour), to, to, bot.DefaultSLAs()
		for name, s := range sqlstore.KPIStatements(q, []string{"api", "db"}) {
			// Filtered too: the period's marks and the open incidents, never
			// every incident of the severity, service or source (schema 42).
			checkPlan(t, db, tc.name+" "+name, s, want[name]...)
		}
	}
}

// TestListFiltersUseIndexes: the incident list's first page and its
// capped count, for each filter that leaves most incidents out, read an
// index of that filter in the page's order, never the whole table.
func TestListFiltersUseIndexes(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		q     bot.IncidentQuery
		index string
	}{
		{"severity", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}}, "incidents_severity_number"},
		{"severity and closed", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: []bot.Status{bot.StatusClosed}}, "COVERING INDEX incidents_severity_closed"},
		{"severity and an open status", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: []bot.Status{bot.StatusInvestigating}}, "COVERING INDEX incidents_unclosed"},
		{"severity and open statuses", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1}, Statuses: bot.OpenStatuses}, "COVERING INDEX incidents_unclosed"},
		{"severities and open statuses", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV1, bot.SEV2}, Statuses: bot.OpenStatuses}, "COVERING INDEX incidents_unclosed"},
		{"severity and resolved", bot.IncidentQuery{Severities: []bot.Severity{bot.SEV2}, Statuses: []bot.Status{bot.StatusResolved}}, "COVERING INDEX incidents_unclosed"},
		{"source", bot.IncidentQuery{Sources: []string{"grafana"}}, "incidents_source_number"},
		{"service", bot.IncidentQuery{Services: []string{"api"}}, "incidents_service_number"},
		{"open statuses", bot.IncidentQuery{Statuses: []bot.Status{bot.StatusTriggered, bot.StatusInvestigating}}, "incidents_unclosed"},
		{"a week", bot.IncidentQuery{From: from, To: from.Add(7 * 24 * time.Hour)}, "incidents_declared"},
		{"private", bot.IncidentQuery{PrivateOnly: true}, "incidents_private"},
		{"title words", bot.IncidentQuery{Text: "checkout latency"}, "incidents_fts"},
	} {
		tc.q.Limit, tc.q.Desc = 50, true
		count, page := db.SearchStatements(tc.q)
		checkPlan(t, db, tc.name+" count", count, tc.index)
		checkPlan(t, db, tc.name+" page", page, tc.index)
	}
}

// TestChannelStatementsUseIndexes: the statements behind posted messages
// and channel links (schema 30) read one row or one channel's range
// through the tables' keys and indexes, never a whole table.
func TestChannelStatementsUseIndexes(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	scan := regexp.MustCompile(`^SCAN `)
	for name, s := range sqlstore.ChannelStatements() {
		steps := planSteps(t, db, name, s)
		for _, st := range steps {
			if scan.MatchString(st) {
				t.Errorf("%s reads a whole table (%s):\n%s", name, st, strings.Join(steps, "\n"))
			}
		}
	}
}

// planSteps is SQLite's query plan of s, a step a line.
func planSteps(t *testing.T, db *sqlite.Store, name string, s sqlstore.Statement) []string {
	t.Helper()
	rows, err := db.DB().QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+s.SQL, s.Args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, s.SQL)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return steps
}

// TestAlertsOfIncidentInIDOrder: an incident's alerts are read through
// alerts_incident in id order (schema 33 keys it by the incident alone:
// the row id every entry ends with gives the order), never sorted
// afterwards or read from the whole table.
func TestAlertsOfIncidentInIDOrder(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	for name, s := range sqlstore.AlertStatements() {
		steps := planSteps(t, db, name, s)
		all := strings.Join(steps, "\n")
		if !strings.Contains(all, "alerts_incident") || strings.Contains(all, "TEMP B-TREE") || strings.Contains(all, "SCAN alerts") {
			t.Errorf("%s does not read alerts_incident in order:\n%s", name, all)
		}
	}
}

// TestCountByStatusReadsIndexes: the counts by status read the two
// partial indexes of the statuses (schema 42) alone, never the table's
// rows: the severity index no longer carries the status.
func TestCountByStatusReadsIndexes(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	steps := planSteps(t, db, "count by status", sqlstore.CountByStatusStatement())
	all := strings.Join(steps, "\n")
	for _, idx := range []string{"COVERING INDEX incidents_unclosed", "COVERING INDEX incidents_severity_closed"} {
		if !strings.Contains(all, idx) {
			t.Errorf("counts by status do not read %s:\n%s", idx, all)
		}
	}
	for _, st := range steps {
		if strings.HasPrefix(st, "SCAN incidents") && !strings.Contains(st, "COVERING INDEX") {
			t.Errorf("counts by status read the table's rows (%s):\n%s", st, all)
		}
	}
}

// TestClaimReadsDueIndex: a claim of a lane's jobs walks outbox_due
// (since schema 46 it leaves out the handed jobs) from its soonest due
// job, never the outbox table.
func TestClaimReadsDueIndex(t *testing.T) {
	db := testkit.OpenStore(t, "", nil)
	steps := planSteps(t, db, "claim", sqlstore.ClaimStatement("console", 1))
	all := strings.Join(steps, "\n")
	if !regexp.MustCompile(`SEARCH o USING INDEX outbox_due \(target=\? AND next_at<\?\)`).MatchString(all) {
		t.Errorf("a claim does not walk outbox_due:\n%s", all)
	}
	for _, st := range steps {
		if regexp.MustCompile(`^SCAN (o|outbox)\b`).MatchString(st) {
			t.Errorf("a claim reads the whole outbox (%s):\n%s", st, all)
		}
	}
}
