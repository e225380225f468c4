package bot

import "context"

// ProblemReader answers questions about problems outside a transaction.
// A missing problem is ErrNotFound.
type ProblemReader interface {
	Problem(ctx context.Context, number int64) (*Problem, error)
	Problems(ctx context.Context, f ProblemFilter) ([]Problem, error)
	// ProblemLinks lists links by problem, then incident.
	ProblemLinks(ctx context.Context, f ProblemLinkFilter) ([]ProblemLink, error)
	ProblemActions(ctx context.Context, f ProblemActionFilter) ([]ProblemAction, error)
	ProblemInsightsReader // problem_insights.go
}

// ProblemTx changes problems inside a transaction.
type ProblemTx interface {
	// NextProblemNumber allocates the next problem number: unique,
	// increasing and gap-free, as NextIncidentNumber.
	NextProblemNumber(ctx context.Context) (int64, error)
	CreateProblem(ctx context.Context, p *Problem) error
	// LockProblem reads a problem and holds it until the transaction ends.
	LockProblem(ctx context.Context, number int64) (*Problem, error)
	UpdateProblem(ctx context.Context, p *Problem) error
	// LinkProblem links an incident to a problem and reports whether the
	// link is new (false: it was there already, and is kept as it was).
	LinkProblem(ctx context.Context, l *ProblemLink) (bool, error)
	// UnlinkProblem removes a link and reports whether there was one.
	UnlinkProblem(ctx context.Context, problem, incident int64) (bool, error)
	AddProblemAction(ctx context.Context, a *ProblemAction) error    // sets a.ID
	UpdateProblemAction(ctx context.Context, a *ProblemAction) error // by ID
	// ActionsOfProblem lists a problem's action items by seq.
	ActionsOfProblem(ctx context.Context, problem int64) ([]ProblemAction, error)
}
