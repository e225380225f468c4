package bot

import (
	"context"
	"time"
)

// Sort keys of an IncidentQuery.
const (
	SortNumber   = "number" // the default: newest first when Desc
	SortDeclared = "declared"
	SortSeverity = "severity"
	SortStatus   = "status"
	SortService  = "service"
)

// SortKeys are the keys an IncidentQuery sorts by.
var SortKeys = []string{SortNumber, SortDeclared, SortSeverity, SortStatus, SortService}

// IncidentQuery selects one page of incidents: those matching every filter
// given (an empty filter matches all), sorted, from Offset.
type IncidentQuery struct {
	Statuses   []Status
	Severities []Severity
	Services   []string
	Sources    []string
	// Types keeps the incidents of these types (types.go).
	Types []string
	// Fields keeps the incidents whose custom field name holds value,
	// every one given (fields.go).
	Fields map[string]string
	// Text matches titles containing it, in any case.
	Text string
	// From and To bound the declaration time, [From, To); zero: open.
	From, To time.Time
	// Windows, when set, keep the incidents declared in any of them: the
	// insights heatmap's cell (one hour of one weekday in a time zone).
	Windows []Window
	// AlertRule keeps the incidents with an alert of that rule (started in
	// [From, To) when they bound the query): a noisiest-alerts row.
	AlertRule string
	// Before keeps the incidents numbered below it in the page (not in
	// its total); 0: no bound.
	Before int64
	// PrivateOnly keeps only private incidents.
	PrivateOnly bool
	// HidePrivate leaves out every private incident but those numbered
	// in VisiblePrivate: what a viewer may page through and count.
	HidePrivate    bool
	VisiblePrivate []int64
	Sort           string // one of SortKeys; "": SortNumber
	Desc           bool
	Offset         int
	Limit          int // 0: DefaultPage
}

// Window is a span of time, [From, To).
type Window struct{ From, To time.Time }

// DefaultPage is how many incidents a page holds unless asked otherwise;
// MaxPage the most.
const (
	DefaultPage = 50
	MaxPage     = 1000
)

// IncidentPage is a page of incidents and how many match in all.
type IncidentPage struct {
	Incidents []*Incident `json:"incidents"`
	Total     int64       `json:"total"`
	// AtLeast says Total is a floor: counting stopped at CountCap, so
	// that a broad filter over a million incidents stays fast.
	AtLeast bool `json:"at_least,omitempty"`
}

// CountCap is where a search stops counting matches.
const CountCap = 10000

// IncidentSearcher finds pages of incidents; the SQL stores implement it.
type IncidentSearcher interface {
	SearchIncidents(ctx context.Context, q IncidentQuery) (*IncidentPage, error)
	// LastChange is the newest UpdatedAt of any incident (zero for none):
	// what live views watch.
	LastChange(ctx context.Context) (time.Time, error)
}

// Search returns a page of incidents matching q.
func (s *Service) Search(ctx context.Context, q IncidentQuery) (*IncidentPage, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultPage
	}
	q.Limit = min(q.Limit, MaxPage+1) // one more tells a caller whether a next page exists
	q.Offset = max(q.Offset, 0)
	if len(q.Fields) > 0 {
		fields := make(map[string]string, len(q.Fields))
		for name, v := range q.Fields {
			f, err := s.catalog.findField(name)
			if err != nil {
				return nil, err
			}
			if fields[f.Name], err = f.Normalize(v); err != nil {
				return nil, err
			}
		}
		q.Fields = fields
	}
	return s.store.SearchIncidents(ctx, q)
}

// SearchAs is Search for viewer v: private incidents v may not see are
// neither in the page nor in its total, so the total is what v can page
// through. Private incidents are few: those matching q are read first,
// and the search then keeps the ones v may see.
func (s *Service) SearchAs(ctx context.Context, q IncidentQuery, v Viewer) (*IncidentPage, error) {
	if v.SeePrivate {
		return s.Search(ctx, q)
	}
	visible, err := s.visiblePrivate(ctx, q, v)
	if err != nil {
		return nil, err
	}
	q.HidePrivate, q.VisiblePrivate = true, visible
	return s.Search(ctx, q)
}

// visiblePrivate numbers the private incidents matching q's filters that
// v may see.
func (s *Service) visiblePrivate(ctx context.Context, q IncidentQuery, v Viewer) ([]int64, error) {
	q.PrivateOnly, q.HidePrivate, q.VisiblePrivate = true, false, nil
	q.Sort, q.Desc, q.Offset, q.Limit = SortNumber, false, 0, MaxPage
	var out []int64
	for {
		page, err := s.store.SearchIncidents(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, inc := range page.Incidents {
			if inc.VisibleTo(v) {
				out = append(out, inc.Number)
			}
		}
		if len(page.Incidents) < q.Limit {
			return out, nil
		}
		q.Offset += q.Limit
	}
}

// LastChange is the newest change to any incident; zero when there are none.
func (s *Service) LastChange(ctx context.Context) (time.Time, error) {
	return s.store.LastChange(ctx)
}
