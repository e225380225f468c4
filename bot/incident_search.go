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
	// Text matches titles containing it, in any case.
	Text string
	// From and To bound the declaration time, [From, To); zero: open.
	From, To time.Time
	Sort     string // one of SortKeys; "": SortNumber
	Desc     bool
	Offset   int
	Limit    int // 0: DefaultPage
}

// DefaultPage is how many incidents a page holds unless asked otherwise;
// MaxPage the most.
const (
	DefaultPage = 50
	MaxPage     = 500
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
	q.Limit = min(q.Limit, MaxPage)
	q.Offset = max(q.Offset, 0)
	return s.store.SearchIncidents(ctx, q)
}

// SearchAs is Search for viewer v: private incidents v may not see are
// left out of the page. The total still counts them, without saying
// which, so a page may hold fewer rows than its limit.
func (s *Service) SearchAs(ctx context.Context, q IncidentQuery, v Viewer) (*IncidentPage, error) {
	page, err := s.Search(ctx, q)
	if err != nil || v.SeePrivate {
		return page, err
	}
	kept := page.Incidents[:0]
	for _, inc := range page.Incidents {
		if inc.VisibleTo(v) {
			kept = append(kept, inc)
		}
	}
	page.Incidents = kept
	return page, nil
}

// LastChange is the newest change to any incident; zero when there are none.
func (s *Service) LastChange(ctx context.Context) (time.Time, error) {
	return s.store.LastChange(ctx)
}
