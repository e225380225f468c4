package bot

import (
	"strconv"
	"strings"
	"time"
)

// Problem management (README.md, "Problem management"): a problem is the
// common cause behind one or more incidents. It has a status of its own,
// a root cause and a workaround once known, an owner, the incidents linked
// to it and action items that outlive every incident.

// ProblemStatus is where a problem stands.
type ProblemStatus string

// Problem statuses, in their usual order.
const (
	ProblemOpen       ProblemStatus = "open"
	ProblemKnownError ProblemStatus = "known-error" // root cause and workaround known, not fixed
	ProblemResolved   ProblemStatus = "resolved"
	ProblemClosed     ProblemStatus = "closed"
)

// ProblemStatuses lists every status in order.
var ProblemStatuses = []ProblemStatus{ProblemOpen, ProblemKnownError, ProblemResolved, ProblemClosed}

// ParseProblemStatus accepts open, known-error (also "known error",
// known_error, knownerror), resolved and closed, in any case.
func ParseProblemStatus(s string) (ProblemStatus, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.NewReplacer("_", "-", " ", "-").Replace(t)
	if t == "knownerror" {
		t = string(ProblemKnownError)
	}
	for _, st := range ProblemStatuses {
		if t == string(st) {
			return st, nil
		}
	}
	return "", Errorf(CodeInvalid, "problem status %q is not one of open, known-error, resolved, closed", SanitizeTitle(s, 40))
}

// Problem is a problem record, PRB-<Number>.
type Problem struct {
	Number     int64         `json:"number"`
	Title      string        `json:"title"`
	Status     ProblemStatus `json:"status"`
	RootCause  string        `json:"root_cause,omitempty"`
	Workaround string        `json:"workaround,omitempty"`
	Owner      string        `json:"owner,omitempty"`
	CreatedBy  string        `json:"created_by,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
	ResolvedAt *time.Time    `json:"resolved_at,omitempty"`
	ClosedAt   *time.Time    `json:"closed_at,omitempty"`
	Version    int64         `json:"version"`
	// Links are the problem's records in ticket systems, by system
	// (LinkServiceNow: its problem record), set by the sync (problem_sync.go).
	Links map[string]Link `json:"links,omitempty"`
}

// Key is the problem's key, PRB-3.
func (p *Problem) Key() string { return FormatProblemKey(p.Number) }

// Open reports whether the problem is neither resolved nor closed.
func (p *Problem) Open() bool { return p.Status == ProblemOpen || p.Status == ProblemKnownError }

// auditFields flattens the problem into comparable values.
func (p *Problem) auditFields() map[string]any {
	return map[string]any{
		"title": p.Title, "status": string(p.Status), "root_cause": p.RootCause, "workaround": p.Workaround,
		"owner": p.Owner, "resolved_at": fmtTime(p.ResolvedAt), "closed_at": fmtTime(p.ClosedAt),
	}
}

// FormatProblemKey renders a problem number as PRB-3.
func FormatProblemKey(n int64) string { return "PRB-" + strconv.FormatInt(n, 10) }

// ParseProblemKey accepts PRB-3 (any case) or a bare 3.
func ParseProblemKey(text string) (int64, error) {
	t := strings.TrimSpace(text)
	if len(t) > 4 && strings.EqualFold(t[:4], "PRB-") {
		t = t[4:]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > 1<<53 {
		return 0, Errorf(CodeInvalid, "%q is not a problem key like PRB-3", SanitizeTitle(text, 40))
	}
	return n, nil
}

// ProblemLink ties an incident to a problem.
type ProblemLink struct {
	Problem  int64     `json:"problem"`
	Incident int64     `json:"incident"`
	LinkedAt time.Time `json:"linked_at"`
	LinkedBy string    `json:"linked_by,omitempty"`
}

// ProblemAction is an action item of a problem: a corrective or
// preventive action that outlives every incident linked to it.
type ProblemAction struct {
	ID        int64        `json:"id"`
	Problem   int64        `json:"problem"`
	Seq       int          `json:"seq"` // N in "problem action done PRB-3 N", per problem from 1
	Title     string       `json:"title"`
	Owner     string       `json:"owner,omitempty"`
	Due       *time.Time   `json:"due,omitempty"`
	Kind      ActionKind   `json:"kind"`
	Status    ActionStatus `json:"status"`
	CreatedAt time.Time    `json:"created_at"`
	DoneAt    *time.Time   `json:"done_at,omitempty"`
}

// Overdue reports whether the item is open past its due date at now.
func (a *ProblemAction) Overdue(now time.Time) bool {
	return a.Status == ActionOpen && a.Due != nil && now.After(*a.Due)
}

// ProblemFilter selects problems, newest first.
type ProblemFilter struct {
	Statuses []ProblemStatus // empty: any
	Owner    string          // "": any owner
	Limit    int             // 0: no limit
}

// ProblemLinkFilter selects links: of one problem, of one incident, or all.
type ProblemLinkFilter struct {
	Problem  int64 // 0: any
	Incident int64 // 0: any
}

// ProblemActionFilter selects problem action items, in the order they were added.
type ProblemActionFilter struct {
	Problem  int64  // 0: any problem
	Owner    string // "": any owner
	OpenOnly bool
}
