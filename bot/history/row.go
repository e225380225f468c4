package history

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// columns are the export's columns, in order: the CSV header and the JSON
// keys. Durations are seconds; empty cells are unset values. The *_s,
// *_sla, in_maintenance and commander_name (the commander's display name,
// when known) columns are computed, and ignored on import.
var columns = []string{
	"key", "title", "severity", "status", "service", "source",
	"started_at", "declared_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at",
	"time_to_detect_s", "time_to_acknowledge_s", "time_to_resolve_s",
	"ack_sla", "resolve_sla", "in_maintenance",
	"commander", "commander_name", "summary", "impact",
	"pagerduty", "pagerduty_url", "jira", "jira_url", "servicenow", "servicenow_url",
	"type",
}

// FieldColumn is the column of custom field name: field.customer_impact.
func FieldColumn(name string) string { return fieldPrefix + name }

const fieldPrefix = "field."

// exportColumns are the columns of an export with the custom fields
// named, after the fixed ones, and the kinds of their JSON values: a
// number field is a JSON number.
func exportColumns(fields []bot.FieldDef) ([]string, map[string]string) {
	if len(fields) == 0 {
		return columns, columnKinds
	}
	cols := slices.Clone(columns)
	kinds := maps.Clone(columnKinds)
	for _, f := range fields {
		cols = append(cols, FieldColumn(f.Name))
		if f.Kind == bot.KindNumber {
			kinds[FieldColumn(f.Name)] = "number"
		}
	}
	return cols, kinds
}

// columnKinds names the columns whose JSON values are not strings.
var columnKinds = map[string]string{
	"time_to_detect_s": "number", "time_to_acknowledge_s": "number", "time_to_resolve_s": "number",
	"in_maintenance": "boolean",
}

// Columns returns the export's columns, in order: the CSV header and the
// JSON keys.
func Columns() []string { return slices.Clone(columns) }

// row is one incident of an export, by column.
type row map[string]string

// exportRow renders an incident with its KPI columns.
func exportRow(inc *bot.Incident, sla bot.SLA, windows []bot.MaintenanceWindow, now time.Time, names func(string) string) row {
	r := row{
		"key": inc.Key(), "title": inc.Title, "severity": inc.Severity.String(), "status": string(inc.Status),
		"service": inc.Service, "source": inc.Source, "started_at": ts(&inc.StartedAt), "declared_at": ts(&inc.DeclaredAt),
		"acknowledged_at": ts(inc.AcknowledgedAt), "mitigated_at": ts(inc.MitigatedAt), "resolved_at": ts(inc.ResolvedAt),
		"closed_at": ts(inc.ClosedAt), "time_to_detect_s": secs(inc.TimeToDetect(), true),
		"commander": inc.Commander(), "summary": inc.Summary, "impact": inc.Impact,
		"in_maintenance": strconv.FormatBool(bot.InMaintenance(windows, inc.DeclaredAt, inc.Service)),
		"type":           inc.Type,
	}
	for name, v := range inc.Fields {
		r[FieldColumn(name)] = v
	}
	if c := inc.Commander(); c != "" && names != nil {
		if name := names(c); name != c {
			r["commander_name"] = name
		}
	}
	r["time_to_acknowledge_s"] = secs(inc.TimeToAcknowledge())
	r["time_to_resolve_s"] = secs(inc.TimeToResolve())
	r["ack_sla"], r["resolve_sla"] = kpi.Outcomes(inc, sla, now)
	for _, sys := range []string{bot.LinkPagerDuty, bot.LinkJira, bot.LinkServiceNow} {
		if l, ok := inc.Links[sys]; ok {
			r[sys], r[sys+"_url"] = l.ID, l.URL
		}
	}
	return r
}

func ts(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FormatTime(*t)
}

// FormatTime renders a time as every export writes it: RFC 3339 in UTC
// with its full precision (trailing zeros of the fraction left out), so
// that an import reads back the very same instant.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func secs(d time.Duration, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(int64(d.Round(time.Second)/time.Second), 10)
}

// timeLayouts are the times an import accepts, in UTC unless they say.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04", time.DateOnly}

// ParseTime reads a time as an import accepts it: RFC 3339, or a date
// with an optional time of day ("2026-05-04", "2026-05-04 09:30"), in UTC
// unless it says otherwise.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Microsecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time like 2026-05-04T09:30:00Z", s)
}

// importRow turns one row into an incident, checking every field.
func importRow(r row, now time.Time) (*bot.Incident, error) {
	var errs []string
	bad := func(col, format string, args ...any) {
		errs = append(errs, col+": "+fmt.Sprintf(format, args...))
	}
	inc := &bot.Incident{Title: strings.TrimSpace(r["title"]), Service: r["service"], Source: r["source"],
		Summary: r["summary"], Impact: r["impact"], UpdatedAt: now, Version: 1}
	if !bot.LooksLikeKey(strings.TrimSpace(r["key"])) {
		bad("key", "%q is not an incident key like INC-42", r["key"])
	} else {
		inc.Number, _ = bot.ParseKey(r["key"])
	}
	if inc.Title == "" {
		bad("title", "required")
	} else if t := bot.SanitizeTitle(inc.Title, bot.MaxTitleLen); t != inc.Title {
		inc.Title = t
	}
	if sev, err := bot.ParseSeverity(r["severity"]); err != nil {
		bad("severity", "%q is not one of SEV1, SEV2, SEV3, SEV4", r["severity"])
	} else {
		inc.Severity = sev
	}
	inc.Status = bot.Status(strings.ToLower(strings.TrimSpace(r["status"])))
	if !inc.Status.Valid() {
		bad("status", "%q is not a status like resolved", r["status"])
	}
	if inc.Source == "" {
		inc.Source = "import"
	}
	opt := func(col string) *time.Time {
		v := strings.TrimSpace(r[col])
		if v == "" {
			return nil
		}
		t, err := ParseTime(v)
		if err != nil {
			bad(col, "%v", err)
			return nil
		}
		return &t
	}
	if d := opt("declared_at"); d == nil {
		if strings.TrimSpace(r["declared_at"]) == "" {
			bad("declared_at", "required")
		}
	} else {
		inc.DeclaredAt = *d
	}
	inc.StartedAt = inc.DeclaredAt
	if s := opt("started_at"); s != nil {
		inc.StartedAt = *s
	}
	inc.AcknowledgedAt, inc.MitigatedAt = opt("acknowledged_at"), opt("mitigated_at")
	inc.ResolvedAt, inc.ClosedAt = opt("resolved_at"), opt("closed_at")
	if !inc.DeclaredAt.IsZero() {
		if inc.StartedAt.After(inc.DeclaredAt) {
			bad("started_at", "after declared_at")
		}
		for _, f := range []struct {
			col string
			t   *time.Time
		}{{"acknowledged_at", inc.AcknowledgedAt}, {"mitigated_at", inc.MitigatedAt}, {"resolved_at", inc.ResolvedAt}, {"closed_at", inc.ClosedAt}} {
			if f.t != nil && f.t.Before(inc.DeclaredAt) {
				bad(f.col, "before declared_at")
			}
		}
	}
	if inc.Status.Valid() {
		switch {
		case !inc.Status.Open() && inc.ResolvedAt == nil:
			bad("resolved_at", "required for a %s incident", inc.Status)
		case inc.Status == bot.StatusClosed && inc.ClosedAt == nil:
			bad("closed_at", "required for a closed incident")
		case inc.Status.Open() && inc.ResolvedAt != nil:
			bad("resolved_at", "set on an incident that is %s", inc.Status)
		case inc.Status.Acknowledged() && inc.AcknowledgedAt == nil && inc.Status.Open():
			bad("acknowledged_at", "required for an incident that is %s", inc.Status)
		}
	}
	if c := strings.TrimPrefix(strings.TrimSpace(r["commander"]), "@"); c != "" {
		inc.Roles = map[string]string{bot.RoleCommander: c}
	}
	inc.Type = strings.ToLower(strings.TrimSpace(r["type"]))
	for col, v := range r {
		name, ok := strings.CutPrefix(col, fieldPrefix)
		if v = strings.TrimSpace(v); !ok || v == "" {
			continue
		}
		if inc.Fields == nil {
			inc.Fields = map[string]string{}
		}
		inc.Fields[name] = v
	}
	for _, sys := range []string{bot.LinkPagerDuty, bot.LinkJira, bot.LinkServiceNow} {
		if id := strings.TrimSpace(r[sys]); id != "" {
			if inc.Links == nil {
				inc.Links = map[string]bot.Link{}
			}
			inc.Links[sys] = bot.Link{ID: id, URL: strings.TrimSpace(r[sys+"_url"])}
		}
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return inc, nil
}

// defuse keeps a spreadsheet from running a cell as a formula: text that
// starts with = + - @ gets a leading apostrophe, which refuse removes on
// import. Numbers and times never start so (durations are not negative).
func defuse(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func refuse(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
		return v[1:]
	}
	return v
}
