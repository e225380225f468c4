package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Problem insights (README.md, "Problem management"): how often each
// problem's incidents recur, and candidate problems: incidents of one
// alert rule or one service that recur within a window and are linked to
// no problem yet.

// CandidateRule says when recurring incidents suggest a problem: Count
// incidents within Window.
type CandidateRule struct {
	Count  int           `json:"count"`
	Window time.Duration `json:"-"`
}

// Candidate rule defaults: 3 incidents within 30 days.
const (
	DefaultCandidateCount  = 3
	DefaultCandidateWindow = 30 * 24 * time.Hour
	maxCandidateKeys       = 20 // incident keys listed per candidate
	maxRecurrence          = 50 // problems listed in the insights
)

// WithDefaults fills a zero Count or Window.
func (r CandidateRule) WithDefaults() CandidateRule {
	if r.Count <= 0 {
		r.Count = DefaultCandidateCount
	}
	if r.Window <= 0 {
		r.Window = DefaultCandidateWindow
	}
	return r
}

// Check refuses a rule that would suggest every incident.
func (r CandidateRule) Check() error {
	if r.Count < 2 || r.Count > 1000 {
		return Errorf(CodeInvalid, "a candidate problem needs 2 to 1000 recurring incidents, not %d", r.Count)
	}
	if r.Window < time.Hour || r.Window > 366*24*time.Hour {
		return Errorf(CodeInvalid, "the recurrence window is 1h to 366d, not %s", formatWindow(r.Window))
	}
	return nil
}

// RecurrenceRow is one incident declared in a period, with one of its
// alert rules ("" when none: one row per rule otherwise) and whether it
// is linked to a problem.
type RecurrenceRow struct {
	Incident   int64
	Service    string
	Rule       string
	DeclaredAt time.Time
	Linked     bool
	Private    bool // counted in a candidate, never listed by its key
}

// ProblemRecurrence counts one problem's linked incidents.
type ProblemRecurrence struct {
	Problem  int64         `json:"-"`
	Key      string        `json:"key"`
	Title    string        `json:"title"`
	Status   ProblemStatus `json:"status"`
	Linked   int64         `json:"linked_incidents"`    // all time
	InPeriod int64         `json:"incidents_in_period"` // declared in the period
	// LastAt is when the newest linked incident was declared (nil: none).
	LastAt *time.Time `json:"last_incident_at,omitempty"`
}

// ProblemCandidate is a group of recurring incidents that no problem covers.
type ProblemCandidate struct {
	Kind      string    `json:"kind"` // "rule" or "service"
	Name      string    `json:"name"`
	Incidents int       `json:"incidents"`         // the most within one window
	Keys      []string  `json:"keys"`              // those incidents, oldest first (at most 20), private ones left out
	Private   int       `json:"private,omitempty"` // private incidents counted but not listed
	FirstAt   time.Time `json:"first_at"`
	LastAt    time.Time `json:"last_at"`
}

// ProblemInsights are the problem figures of an insights period.
type ProblemInsights struct {
	Open           int64 `json:"open"` // open and known-error problems now
	OverdueActions int64 `json:"overdue_actions"`
	// Recurrence lists the open problems and those whose incidents
	// recurred in the period, most incidents in the period first (at most 50).
	Recurrence    []ProblemRecurrence `json:"recurrence"`
	Candidates    []ProblemCandidate  `json:"candidates"`
	CandidateRule struct {
		Count  int    `json:"count"`
		Window string `json:"window"`
	} `json:"candidate_rule"`
}

// ProblemInsightsReader reads what problem insights need.
type ProblemInsightsReader interface {
	// RecurrenceRows lists the incidents declared in [from, to), one row
	// per alert rule, by incident number.
	RecurrenceRows(ctx context.Context, from, to time.Time) ([]RecurrenceRow, error)
	// ProblemRecurrence counts every problem's linked incidents, those
	// declared in [from, to) apart; newest problem first.
	ProblemRecurrence(ctx context.Context, from, to time.Time) ([]ProblemRecurrence, error)
	// ProblemCounts counts open problems and overdue problem action items at now.
	ProblemCounts(ctx context.Context, now time.Time) (open, overdueActions int64, err error)
}

// Occurrence is an incident as candidate problems count it: its number
// and when it was declared (Unix microseconds).
type Occurrence struct {
	At       int64
	Incident int64
}

// RecurrenceMarks are what candidate problems need of the incidents
// numbered in a range besides their services and declaration times: those
// linked to a problem, the private ones (each ascending), and the alert
// rules of each ("" rules left out, each pair once).
type RecurrenceMarks struct {
	Linked, Private []int64
	Rules           []IncidentRule
}

// IncidentRule is one alert rule of an incident.
type IncidentRule struct {
	Incident int64
	Rule     string
}

// RecurrenceMarksReader reads RecurrenceMarks: with the incidents' rows
// read for the KPIs, they give the candidate problems without reading
// every incident of the window again (RecurrenceRows).
type RecurrenceMarksReader interface {
	// RecurrenceMarks reads the marks of the incidents numbered lo to hi.
	RecurrenceMarks(ctx context.Context, lo, hi int64) (RecurrenceMarks, error)
}

// BuildProblemInsights gathers the problem figures of [from, to): the
// candidates look back one rule window before from, so that a run of
// incidents across the period's start counts.
func BuildProblemInsights(ctx context.Context, r ProblemInsightsReader, from, to, now time.Time, rule CandidateRule) (*ProblemInsights, error) {
	return buildProblemInsights(ctx, r, from, to, now, rule, func(rule CandidateRule) ([]ProblemCandidate, error) {
		rows, err := r.RecurrenceRows(ctx, from.Add(-rule.Window), to)
		if err != nil {
			return nil, fmt.Errorf("read recurring incidents: %w", err)
		}
		return FindCandidates(rows, rule, from), nil
	})
}

// BuildProblemInsightsOf is BuildProblemInsights from the incidents
// declared in [from − rule window, to) by service (byService: every one
// of them, in any order; the slices are sorted in place) and their marks
// (r.RecurrenceMarks of their numbers), as the KPIs read them: the same
// figures, without a second pass over the incidents.
func BuildProblemInsightsOf(ctx context.Context, r interface {
	ProblemInsightsReader
	RecurrenceMarksReader
}, from, to, now time.Time, rule CandidateRule, byService map[string][]Occurrence) (*ProblemInsights, error) {
	return buildProblemInsights(ctx, r, from, to, now, rule, func(rule CandidateRule) ([]ProblemCandidate, error) {
		lo, hi := int64(1<<62), int64(-1<<62)
		for _, os := range byService {
			for _, o := range os {
				lo, hi = min(lo, o.Incident), max(hi, o.Incident)
			}
		}
		if lo > hi {
			return []ProblemCandidate{}, nil
		}
		marks, err := r.RecurrenceMarks(ctx, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("read recurring incidents: %w", err)
		}
		return CandidatesOf(byService, marks, rule, from), nil
	})
}

func buildProblemInsights(ctx context.Context, r ProblemInsightsReader, from, to, now time.Time, rule CandidateRule,
	candidates func(CandidateRule) ([]ProblemCandidate, error)) (*ProblemInsights, error) {
	rule = rule.WithDefaults()
	out := &ProblemInsights{}
	out.CandidateRule.Count, out.CandidateRule.Window = rule.Count, formatWindow(rule.Window)
	var err error
	if out.Open, out.OverdueActions, err = r.ProblemCounts(ctx, now); err != nil {
		return nil, fmt.Errorf("count problems: %w", err)
	}
	if out.Recurrence, err = r.ProblemRecurrence(ctx, from, to); err != nil {
		return nil, fmt.Errorf("count problem incidents: %w", err)
	}
	// Open problems and those that recurred in the period, most
	// recurring first.
	out.Recurrence = slices.DeleteFunc(out.Recurrence, func(p ProblemRecurrence) bool {
		return p.InPeriod == 0 && p.Status != ProblemOpen && p.Status != ProblemKnownError
	})
	slices.SortStableFunc(out.Recurrence, func(a, b ProblemRecurrence) int { return int(b.InPeriod - a.InPeriod) })
	if len(out.Recurrence) > maxRecurrence {
		out.Recurrence = out.Recurrence[:maxRecurrence]
	}
	for i := range out.Recurrence {
		out.Recurrence[i].Key = FormatProblemKey(out.Recurrence[i].Problem)
	}
	if out.Candidates, err = candidates(rule); err != nil {
		return nil, err
	}
	if out.Recurrence == nil {
		out.Recurrence = []ProblemRecurrence{}
	}
	return out, nil
}

// FindCandidates groups the unlinked incidents of rows by alert rule and
// by service and returns the groups with rule.Count incidents within
// rule.Window, whose last incident is at or after since: most incidents
// first, then by kind and name.
func FindCandidates(rows []RecurrenceRow, rule CandidateRule, since time.Time) []ProblemCandidate {
	rule = rule.WithDefaults()
	type member struct {
		n       int64
		at      time.Time
		private bool
	}
	groups := map[[2]string][]member{}
	seen := map[[2]string]map[int64]bool{}
	add := func(kind, name string, row RecurrenceRow) {
		k := [2]string{kind, name}
		if seen[k] == nil {
			seen[k] = map[int64]bool{}
		}
		if !seen[k][row.Incident] {
			seen[k][row.Incident] = true
			groups[k] = append(groups[k], member{row.Incident, row.DeclaredAt, row.Private})
		}
	}
	for _, row := range rows {
		if row.Linked {
			continue
		}
		if row.Rule != "" {
			add("rule", row.Rule, row)
		}
		if row.Service != "" {
			add("service", row.Service, row)
		}
	}
	out := []ProblemCandidate{}
	for k, ms := range groups {
		if len(ms) < rule.Count {
			continue
		}
		slices.SortFunc(ms, func(a, b member) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return int(a.n - b.n)
		})
		// The longest run within one window that ends in the period.
		bestLo, bestHi := 0, -1
		lo := 0
		for hi := range ms {
			for ms[hi].at.Sub(ms[lo].at) > rule.Window {
				lo++
			}
			if hi-lo+1 > bestHi-bestLo+1 && !ms[hi].at.Before(since) {
				bestLo, bestHi = lo, hi
			}
		}
		if bestHi-bestLo+1 < rule.Count {
			continue
		}
		c := ProblemCandidate{Kind: k[0], Name: k[1], Incidents: bestHi - bestLo + 1, FirstAt: ms[bestLo].at, LastAt: ms[bestHi].at}
		for _, m := range ms[bestLo : bestHi+1] {
			if m.private {
				c.Private++
				continue
			}
			if len(c.Keys) == maxCandidateKeys {
				break
			}
			c.Keys = append(c.Keys, FormatKey(m.n))
		}
		out = append(out, c)
	}
	sortCandidates(out)
	return out
}

// CandidatesOf is FindCandidates over incidents by service (each slice
// sorted in place) and their marks: the same candidates, from what the
// KPIs read. A service's incidents arrive once each, so only the rules'
// need their duplicates dropped.
func CandidatesOf(byService map[string][]Occurrence, marks RecurrenceMarks, rule CandidateRule, since time.Time) []ProblemCandidate {
	rule = rule.WithDefaults()
	linked := func(n int64) bool { _, ok := slices.BinarySearch(marks.Linked, n); return ok }
	private := func(n int64) bool { _, ok := slices.BinarySearch(marks.Private, n); return ok }
	type group struct {
		kind, name string
		ms         []Occurrence
	}
	var groups []group
	for svc, os := range byService {
		if svc == "" {
			continue
		}
		if len(marks.Linked) > 0 {
			kept := os[:0]
			for _, o := range os {
				if !linked(o.Incident) {
					kept = append(kept, o)
				}
			}
			os = kept
		}
		groups = append(groups, group{"service", svc, os})
	}
	if len(marks.Rules) > 0 {
		at := make(map[int64]int64, len(marks.Rules))
		for _, r := range marks.Rules {
			at[r.Incident] = 0
		}
		for _, os := range byService {
			for _, o := range os {
				if _, ok := at[o.Incident]; ok {
					at[o.Incident] = o.At + 1 // 0: not in the window
				}
			}
		}
		byRule := map[string][]Occurrence{}
		seen := map[IncidentRule]bool{}
		for _, r := range marks.Rules {
			a := at[r.Incident]
			if a == 0 || r.Rule == "" || seen[r] || linked(r.Incident) {
				continue
			}
			seen[r] = true
			byRule[r.Rule] = append(byRule[r.Rule], Occurrence{At: a - 1, Incident: r.Incident})
		}
		for name, os := range byRule {
			groups = append(groups, group{"rule", name, os})
		}
	}
	window, from := rule.Window.Microseconds(), since.UnixMicro()
	exact := rule.Window%time.Microsecond == 0 && since.Equal(time.UnixMicro(from))
	out := []ProblemCandidate{}
	for _, g := range groups {
		ms := g.ms
		if len(ms) < rule.Count {
			continue
		}
		slices.SortFunc(ms, func(a, b Occurrence) int {
			if a.At != b.At {
				return cmp.Compare(a.At, b.At)
			}
			return cmp.Compare(a.Incident, b.Incident)
		})
		// The longest run within one window that ends in the period.
		bestLo, bestHi := 0, -1
		lo := 0
		for hi := range ms {
			inPeriod := ms[hi].At >= from
			if exact {
				for ms[hi].At-ms[lo].At > window {
					lo++
				}
			} else {
				for time.UnixMicro(ms[hi].At).Sub(time.UnixMicro(ms[lo].At)) > rule.Window {
					lo++
				}
				inPeriod = !time.UnixMicro(ms[hi].At).Before(since)
			}
			if hi-lo+1 > bestHi-bestLo+1 && inPeriod {
				bestLo, bestHi = lo, hi
			}
		}
		if bestHi-bestLo+1 < rule.Count {
			continue
		}
		c := ProblemCandidate{Kind: g.kind, Name: g.name, Incidents: bestHi - bestLo + 1,
			FirstAt: time.UnixMicro(ms[bestLo].At).UTC(), LastAt: time.UnixMicro(ms[bestHi].At).UTC()}
		for _, m := range ms[bestLo : bestHi+1] {
			if private(m.Incident) {
				c.Private++
				continue
			}
			if len(c.Keys) == maxCandidateKeys {
				break
			}
			c.Keys = append(c.Keys, FormatKey(m.Incident))
		}
		out = append(out, c)
	}
	sortCandidates(out)
	return out
}

// sortCandidates orders candidates by how many incidents they hold, most
// first, then by kind and name.
func sortCandidates(out []ProblemCandidate) {
	slices.SortFunc(out, func(a, b ProblemCandidate) int {
		if a.Incidents != b.Incidents {
			return b.Incidents - a.Incidents
		}
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// formatWindow writes a window in whole days (30d) or hours (36h) where it can.
func formatWindow(d time.Duration) string {
	day := 24 * time.Hour
	switch {
	case d%day == 0:
		return fmt.Sprintf("%dd", d/day)
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return FormatDuration(d)
}
