package bot

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseIncidentQuery reads the incident list's filters, as the console's
// list and GET /api/v1/incidents take them: status (open, all, or
// statuses), severity, service, source (each repeatable or
// comma-separated), q (words in the title), from and to (RFC 3339 or a
// date; to a date includes that day), hour, weekday and tz (parseWindows),
// alert (a rule), type (repeatable), field.NAME (a custom field's value,
// as stored: NormalizeQueryFields puts it in that form), sort (one of SortKeys) and dir (asc, desc). It returns the query, newest first unless sorted otherwise, and
// the status filter as given ("open" when none).
func ParseIncidentQuery(v url.Values) (IncidentQuery, string, error) {
	q := IncidentQuery{Limit: DefaultPage, Sort: SortNumber, Desc: true}
	filter := strings.ToLower(strings.TrimSpace(v.Get("status")))
	switch filter {
	case "all":
	case "", "open":
		filter = "open"
		q.Statuses = OpenStatuses
	default:
		for _, s := range SplitValues(v["status"]) {
			st, err := ParseStatus(s)
			if err != nil {
				return q, filter, Errorf(CodeInvalid, "status %q is not open, all or a status", s)
			}
			q.Statuses = append(q.Statuses, st)
		}
	}
	for _, s := range SplitValues(v["severity"]) {
		sev, err := ParseSeverity(s)
		if err != nil {
			return q, filter, err
		}
		q.Severities = append(q.Severities, sev)
	}
	q.Services, q.Sources = SplitValues(v["service"]), SplitValues(v["source"])
	q.Types = SplitValues(v["type"])
	for k, vals := range v {
		name, ok := strings.CutPrefix(k, "field.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		if q.Fields == nil {
			q.Fields = map[string]string{}
		}
		q.Fields[strings.ToLower(name)] = strings.TrimSpace(vals[0])
	}
	q.Text = strings.TrimSpace(v.Get("q"))
	for _, k := range []string{"from", "to"} {
		s := v.Get(k)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			d, derr := time.Parse(time.DateOnly, s)
			if derr != nil {
				return q, filter, Errorf(CodeInvalid, "%s %q is not a date or an RFC 3339 time", k, s)
			}
			t = d
			if k == "to" {
				t = t.AddDate(0, 0, 1)
			}
		}
		if k == "from" {
			q.From = t
		} else {
			q.To = t
		}
	}
	q.AlertRule = strings.TrimSpace(v.Get("alert"))
	var err error
	if q.Windows, err = parseWindows(v, q.From, q.To); err != nil {
		return q, filter, err
	}
	if s := v.Get("sort"); s != "" {
		if !slices.Contains(SortKeys, s) {
			return q, filter, Errorf(CodeInvalid, "sort %q is not one of %s", s, strings.Join(SortKeys, ", "))
		}
		q.Sort = s
		q.Desc = s == SortNumber || s == SortDeclared
	}
	switch v.Get("dir") {
	case "":
	case "asc":
		q.Desc = false
	case "desc":
		q.Desc = true
	default:
		return q, filter, Errorf(CodeInvalid, "dir %q is not asc or desc", v.Get("dir"))
	}
	return q, filter, nil
}

// SplitValues splits repeated and comma-separated query values, dropping
// empty ones.
func SplitValues(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
	}
	return out
}

// maxWindowSpan bounds a list by hour or weekday: at most this many days
// of windows.
const maxWindowSpan = 400

// parseWindows reads hour (0-23) and weekday (mon … sun) in time zone tz
// (IANA, default UTC), the heatmap's cell: the hours (or days) they name
// between from and to, which must both be given.
func parseWindows(v url.Values, from, to time.Time) ([]Window, error) {
	hs, ds := strings.TrimSpace(v.Get("hour")), strings.ToLower(strings.TrimSpace(v.Get("weekday")))
	if hs == "" && ds == "" {
		return nil, nil
	}
	if from.IsZero() || to.IsZero() || !from.Before(to) || to.Sub(from) > maxWindowSpan*24*time.Hour {
		return nil, Errorf(CodeInvalid, "hour and weekday need from and to, at most %d days apart", maxWindowSpan)
	}
	hour := -1
	if hs != "" {
		h, err := strconv.Atoi(hs)
		if err != nil || h < 0 || h > 23 {
			return nil, Errorf(CodeInvalid, "hour %q is not 0 to 23", hs)
		}
		hour = h
	}
	day := -1
	if ds != "" {
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if ds == strings.ToLower(wd.String()[:3]) || ds == strings.ToLower(wd.String()) {
				day = int(wd)
			}
		}
		if day < 0 {
			return nil, Errorf(CodeInvalid, "weekday %q is not mon, tue, wed, thu, fri, sat or sun", ds)
		}
	}
	loc := time.UTC
	if tz := strings.TrimSpace(v.Get("tz")); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, Errorf(CodeInvalid, "tz %q is not a time zone", tz)
		}
		loc = l
	}
	var out []Window
	start := from.In(loc)
	for d := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc); d.Before(to); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		if day >= 0 && int(d.Weekday()) != day {
			continue
		}
		w := Window{From: d, To: time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)}
		if hour >= 0 {
			w = Window{From: time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc), To: time.Date(d.Year(), d.Month(), d.Day(), hour+1, 0, 0, 0, loc)}
		}
		if w.From.Before(from) {
			w.From = from
		}
		if w.To.After(to) {
			w.To = to
		}
		if w.From.Before(w.To) {
			out = append(out, w)
		}
	}
	if out == nil {
		out = []Window{} // nothing matches, not "no filter"
	}
	return out, nil
}
