package console

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// listData is the incident list page.
type listData struct {
	layout
	Filter    string // "open", "all" or a status
	Incidents []listRow
	Total     int64
	One       int64 // 1, for the plural in the template
	AtLeast   bool  // Total is a floor (bot.CountCap)
	From, To  int64 // the rows shown, 1-based
	PageNo    int
	Pages     int64
	PrevHref  string
	NextHref  string
	// The filter form.
	Statuses   []option
	Sevs       []option
	Service    string
	Source     string
	Text       string
	FromDate   string
	ToDate     string
	Sort       string
	Desc       bool
	Catalog    []listFilter // type and custom field filters (catalog.go)
	Heads      []sortHead
	Filtered   bool
	ClearHref  string
	StreamHref string
}

type listRow struct {
	*bot.Incident
	Key     string
	Channel string
	Age     string // open for, or took to resolve
}

// sortHead is a column header that sorts the list.
type sortHead struct {
	Label, Href, Mark string
}

// listQuery reads the list's filters (bot.ParseIncidentQuery) and page.
func listQuery(v url.Values) (bot.IncidentQuery, string, error) {
	q, filter, err := bot.ParseIncidentQuery(v)
	if err != nil {
		return q, filter, err
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 {
		q.Offset = (p - 1) * q.Limit
	}
	return q, filter, nil
}

func (c *Console) incidents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := r.URL.Query()
	q, filter, err := listQuery(v)
	if err != nil {
		c.fail(w, err)
		return
	}
	lay, err := c.frame(ctx, c.viewer(r), "Incidents", "incidents", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	page, err := c.svc.SearchAs(ctx, q, c.viewer(r))
	if err != nil {
		c.fail(w, err)
		return
	}
	d := listData{layout: lay, Filter: filter, Total: page.Total, One: 1, PageNo: q.Offset/q.Limit + 1,
		Service: strings.Join(q.Services, ","), Source: strings.Join(q.Sources, ","), Text: q.Text,
		Sort: q.Sort, Desc: q.Desc, StreamHref: "/console/events"}
	d.AtLeast = page.AtLeast
	d.Pages = (page.Total + int64(q.Limit) - 1) / int64(q.Limit)
	if len(page.Incidents) > 0 {
		d.From, d.To = int64(q.Offset)+1, int64(q.Offset+len(page.Incidents))
	}
	with := func(k, val string) string {
		u := url.Values{}
		for key, vals := range v {
			u[key] = slices.Clone(vals)
		}
		if val == "" {
			u.Del(k)
		} else {
			u.Set(k, val)
		}
		return "/incidents?" + u.Encode()
	}
	if q.Offset > 0 {
		d.PrevHref = with("page", strconv.Itoa(d.PageNo-1))
	}
	if int64(q.Offset+len(page.Incidents)) < page.Total || page.AtLeast && len(page.Incidents) == q.Limit {
		d.NextHref = with("page", strconv.Itoa(d.PageNo+1))
	}
	for _, st := range append([]string{"open", "all"}, statusNames()...) {
		label := st
		if s := bot.Status(st); s.Valid() {
			label = s.Label()
		}
		d.Statuses = append(d.Statuses, option{Value: st, Label: label, Selected: st == filter})
	}
	for _, s := range bot.Severities {
		d.Sevs = append(d.Sevs, option{Value: "sev" + strconv.Itoa(int(s)), Label: s.String(), Selected: slices.Contains(q.Severities, s)})
	}
	if !q.From.IsZero() {
		d.FromDate = q.From.UTC().Format(time.DateOnly)
	}
	if !q.To.IsZero() {
		d.ToDate = q.To.Add(-time.Nanosecond).UTC().Format(time.DateOnly)
	}
	d.Filtered = len(q.Severities)+len(q.Services)+len(q.Sources) > 0 || q.Text != "" || !q.From.IsZero() || !q.To.IsZero() || catalogFiltered(v)
	d.Catalog = c.catalogFilters(q)
	d.ClearHref = "/incidents?status=" + filter
	for _, h := range []struct{ label, key string }{{"Key", bot.SortNumber}, {"Severity", bot.SortSeverity}, {"Status", bot.SortStatus},
		{"Title", ""}, {"Service", bot.SortService}, {"Commander", ""}, {"Declared", bot.SortDeclared}, {"Age", ""}} {
		sh := sortHead{Label: h.label}
		if h.key != "" {
			dir := "asc"
			if h.key == q.Sort && !q.Desc {
				dir = "desc"
			}
			u := url.Values{}
			for key, vals := range v {
				u[key] = slices.Clone(vals)
			}
			u.Set("sort", h.key)
			u.Set("dir", dir)
			u.Del("page")
			sh.Href = "/incidents?" + u.Encode()
			if h.key == q.Sort {
				sh.Mark = "▲"
				if q.Desc {
					sh.Mark = "▼"
				}
			}
		}
		d.Heads = append(d.Heads, sh)
	}
	now := c.svc.Now()
	for _, inc := range page.Incidents {
		row := listRow{Incident: inc, Key: inc.Key(), Channel: inc.Channels[Platform]}
		if ttr, ok := inc.TimeToResolve(); ok {
			row.Age = "resolved in " + bot.FormatDuration(ttr)
		} else {
			row.Age = "open " + bot.FormatDuration(now.Sub(inc.DeclaredAt))
		}
		d.Incidents = append(d.Incidents, row)
	}
	c.render(w, http.StatusOK, "incidents", d)
}

func statusNames() []string {
	var out []string
	for _, s := range bot.Statuses {
		out = append(out, string(s))
	}
	return out
}
