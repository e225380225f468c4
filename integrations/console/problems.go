package console

import (
	"net/http"
	"time"

	"github.com/warroom/warroom/bot"
)

// The problem pages (README.md, "Problem management"): /problems lists
// problems, /problems/PRB-3 shows one with its root cause, workaround,
// linked incidents and action items. Changes go through the command box
// (/problem ...), like every other change in the console.

// problemsData is the problem list page.
type problemsData struct {
	layout
	Filter   string // "open" or "all"
	Problems []problemRow
}

type problemRow struct {
	bot.Problem
	Key string
}

// problemData is one problem's page.
type problemData struct {
	layout
	*bot.ProblemView
	Key string
	Now time.Time
}

// problems answers GET /problems (?status=all for every problem).
func (c *Console) problems(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := c.viewer(r)
	lay, err := c.frame(ctx, v, "Problems", "problems", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	d := problemsData{layout: lay, Filter: "open"}
	f := bot.ProblemFilter{Statuses: []bot.ProblemStatus{bot.ProblemOpen, bot.ProblemKnownError}}
	switch s := r.URL.Query().Get("status"); s {
	case "", "open":
	case "all":
		f.Statuses, d.Filter = nil, "all"
	default:
		st, err := bot.ParseProblemStatus(s)
		if err != nil {
			c.fail(w, err)
			return
		}
		f.Statuses, d.Filter = []bot.ProblemStatus{st}, string(st)
	}
	ps, err := c.svc.Problems().List(ctx, f)
	if err != nil {
		c.fail(w, err)
		return
	}
	for _, p := range ps {
		d.Problems = append(d.Problems, problemRow{Problem: p, Key: p.Key()})
	}
	c.render(w, http.StatusOK, "problems", d)
}

// problem answers GET /problems/{key}.
func (c *Console) problem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	n, err := bot.ParseProblemKey(r.PathValue("key"))
	if err != nil {
		c.fail(w, err)
		return
	}
	v := c.viewer(r)
	pv, err := c.svc.Problems().View(ctx, n, v)
	if err != nil {
		c.fail(w, err)
		return
	}
	lay, err := c.frame(ctx, v, pv.Problem.Key()+": "+pv.Problem.Title, "problem", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	c.render(w, http.StatusOK, "problem", problemData{layout: lay, ProblemView: pv, Key: pv.Problem.Key(), Now: c.svc.Now()})
}
