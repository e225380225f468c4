package sqlstore

import (
	"context"

	"github.com/warroom/warroom/bot"
)

// Problems in a bundle (history.go): read by number or id, written as given.

const (
	qEachProblem       = `SELECT ` + problemCols + ` FROM problems ORDER BY number`
	qEachProblemLink   = qProblemLinks + ` ORDER BY problem, incident`
	qEachProblemAction = qProblemActions + ` ORDER BY id`

	qPutProblem       = `INSERT INTO problems (` + problemCols + `) VALUES `
	qPutProblemLink   = `INSERT INTO problem_incidents (problem, incident, linked_at, linked_by) VALUES `
	qPutProblemAction = `INSERT INTO problem_actions (` + problemActionCols + `) VALUES `
)

func (r historyReader) EachProblem(ctx context.Context, fn func(*bot.Problem) error) error {
	return eachRow(ctx, r.tx, "problems", qEachProblem, scanProblem, fn)
}

func (r historyReader) EachProblemLink(ctx context.Context, fn func(*bot.ProblemLink) error) error {
	return eachRow(ctx, r.tx, "problem links", qEachProblemLink, scanProblemLink, fn)
}

func (r historyReader) EachProblemAction(ctx context.Context, fn func(*bot.ProblemAction) error) error {
	return eachRow(ctx, r.tx, "problem action items", qEachProblemAction, scanProblemAction, fn)
}

func (w *historyWriter) PutProblem(ctx context.Context, p *bot.Problem) error {
	args, err := problemArgs(p)
	if err != nil {
		return err
	}
	return w.add(ctx, "problem", qPutProblem, args...)
}

func (w *historyWriter) PutProblemLink(ctx context.Context, l *bot.ProblemLink) error {
	return w.add(ctx, "problem link", qPutProblemLink, l.Problem, l.Incident, us(l.LinkedAt), l.LinkedBy)
}

func (w *historyWriter) PutProblemAction(ctx context.Context, a *bot.ProblemAction) error {
	return w.add(ctx, "problem action item", qPutProblemAction, a.ID, a.Problem, a.Seq, a.Title, a.Owner, usPtr(a.Due),
		string(a.Kind), string(a.Status), us(a.CreatedAt), usPtr(a.DoneAt))
}
