package digest

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/kpi"
)

// Periods are the named periods the insights offer, in order.
var Periods = []string{"7d", "30d", "90d", "quarter"}

// ParseQuery reads insights options from a URL query, as the JSON API and
// the console's insights page take them:
//
//	period   7d, 30d, 90d, quarter (the calendar quarter to date), or any
//	         digest period (12h, 2w); default 30d
//	from, to a custom range, RFC 3339 (to defaults to now)
//	now      the time the figures are computed at, RFC 3339 (default now)
//	service, severity, source, type
//	         filters; repeat the parameter or separate values by commas
//	field.NAME
//	         a custom field's value, in any case
//	tz       the IANA time zone of the heatmap and the calendar days
//	         (default loc)
//	candidates, within
//	         when recurring incidents suggest a problem: that many
//	         within that long (default 3 within 30d)
//
// now is the default for the now parameter; loc the default zone.
func ParseQuery(v url.Values, now time.Time, loc *time.Location) (Options, error) {
	if loc == nil {
		loc = time.UTC
	}
	o := Options{Location: loc, FullPrevious: true, Heatmap: true}
	if tz := v.Get("tz"); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return o, bot.Errorf(bot.CodeInvalid, "tz %q is not an IANA time zone", tz)
		}
		o.Location = l
	}
	if s := v.Get("now"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return o, bot.Errorf(bot.CodeInvalid, "now %q is not RFC 3339 (2026-05-04T09:00:00Z)", s)
		}
		now = t
	}
	now = now.UTC().Truncate(time.Microsecond)
	o.End = now
	if s := v.Get("to"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return o, bot.Errorf(bot.CodeInvalid, "to %q is not RFC 3339", s)
		}
		o.End = t.UTC()
	}
	if s := v.Get("from"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return o, bot.Errorf(bot.CodeInvalid, "from %q is not RFC 3339", s)
		}
		if !t.Before(o.End) {
			return o, bot.Errorf(bot.CodeInvalid, "from must be before to")
		}
		o.From, o.Period, o.PeriodName = t.UTC(), o.End.Sub(t), "custom"
	} else {
		p := strings.ToLower(v.Get("period"))
		if p == "" {
			p = "30d"
		}
		switch p {
		case "quarter":
			l := o.End.In(o.Location)
			q := time.Date(l.Year(), time.Month((int(l.Month())-1)/3*3+1), 1, 0, 0, 0, 0, o.Location)
			o.From, o.Period, o.PeriodName = q.UTC(), o.End.Sub(q), p
		default:
			d, err := kpi.ParsePeriod(p)
			if err != nil {
				return o, err
			}
			if d == 0 {
				return o, bot.Errorf(bot.CodeInvalid, "period all has no previous period: give from and to")
			}
			o.Period, o.PeriodName = d, kpi.FormatPeriod(d)
		}
	}
	for _, s := range list(v["severity"]) {
		sev, err := bot.ParseSeverity(s)
		if err != nil {
			return o, err
		}
		if !slices.Contains(o.Severities, sev) {
			o.Severities = append(o.Severities, sev)
		}
	}
	slices.Sort(o.Severities)
	o.Services, o.Sources, o.Types = list(v["service"]), list(v["source"]), list(v["type"])
	for k, vals := range v {
		if name, ok := strings.CutPrefix(k, "field."); ok && len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
			if o.Fields == nil {
				o.Fields = map[string]string{}
			}
			o.Fields[strings.ToLower(name)] = strings.TrimSpace(vals[0])
		}
	}
	return o, parseCandidates(v, &o)
}

// parseCandidates reads the candidate rule: candidates=3&within=30d.
func parseCandidates(v url.Values, o *Options) error {
	c, w := v.Get("candidates"), v.Get("within")
	if c == "" && w == "" {
		return nil
	}
	rule := bot.CandidateRule{}.WithDefaults()
	if c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			return bot.Errorf(bot.CodeInvalid, "candidates %q is not a number", bot.SanitizeTitle(c, 20))
		}
		rule.Count = n
	}
	if w != "" {
		d, err := kpi.ParsePeriod(w)
		if err != nil || d == 0 {
			return bot.Errorf(bot.CodeInvalid, "within %q is not a duration like 30d", bot.SanitizeTitle(w, 20))
		}
		rule.Window = d
	}
	if err := rule.Check(); err != nil {
		return err
	}
	o.Candidates = rule
	return nil
}

// list splits repeated and comma-separated values, dropping empty ones.
func list(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// Values writes options back into a URL query, as ParseQuery reads them
// (the console's links and the CSV's name).
func Values(o Options) url.Values {
	v := url.Values{}
	switch {
	case o.PeriodName == "custom":
		v.Set("from", o.From.Format(time.RFC3339))
		v.Set("to", o.End.Format(time.RFC3339))
	case o.PeriodName != "":
		v.Set("period", o.PeriodName)
	default:
		v.Set("period", kpi.FormatPeriod(o.Period))
	}
	for _, s := range o.Severities {
		v.Add("severity", s.String())
	}
	for _, s := range o.Services {
		v.Add("service", s)
	}
	for _, s := range o.Sources {
		v.Add("source", s)
	}
	for _, s := range o.Types {
		v.Add("type", s)
	}
	for name, val := range o.Fields {
		v.Set("field."+name, val)
	}
	if o.Candidates != (bot.CandidateRule{}) {
		v.Set("candidates", strconv.Itoa(o.Candidates.Count))
		v.Set("within", kpi.FormatPeriod(o.Candidates.Window))
	}
	return v
}
