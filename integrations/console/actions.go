package console

import (
	"net/http"
	"strings"

	"github.com/warroom/warroom/bot"
)

// actionsData is the action list page.
type actionsData struct {
	layout
	Heading string
	Items   []actionRow
	// ProblemItems are problems' action items (problems.go), listed when
	// no incident filter (service, severity, source) is set.
	ProblemItems []problemActionRow
}

type problemActionRow struct {
	bot.ProblemAction
	Key     string
	Overdue bool
}

type actionRow struct {
	bot.ActionItem
	Key     string
	Overdue bool
}

// actions answers GET /actions with bot.ParseActionQuery's filters
// (?overdue=1&service=…: the insights' overdue-actions tile).
func (c *Console) actions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := bot.ParseActionQuery(r.URL.Query())
	if err != nil {
		c.fail(w, err)
		return
	}
	v := c.viewer(r)
	lay, err := c.frame(ctx, v, "Action items", "actions", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	items, err := c.svc.ActionListAs(ctx, q, v)
	if err != nil {
		c.fail(w, err)
		return
	}
	d := actionsData{layout: lay, Heading: "Action items"}
	switch {
	case q.Overdue:
		d.Heading = "Overdue action items"
	case q.OpenOnly:
		d.Heading = "Open action items"
	}
	var of []string
	for _, s := range q.Severities {
		of = append(of, s.String())
	}
	if of = append(append(of, q.Services...), q.Sources...); len(of) > 0 {
		d.Heading += " of " + strings.Join(of, ", ")
	}
	now := c.svc.Now()
	for _, a := range items {
		d.Items = append(d.Items, actionRow{ActionItem: a, Key: bot.FormatKey(a.Incident), Overdue: a.Overdue(now)})
	}
	if len(q.Services)+len(q.Severities)+len(q.Sources) == 0 {
		pitems, err := c.svc.Problems().Actions(ctx, bot.ProblemActionFilter{Owner: q.Owner, OpenOnly: q.OpenOnly || q.Overdue})
		if err != nil {
			c.fail(w, err)
			return
		}
		for _, a := range pitems {
			if !q.Overdue || a.Overdue(now) {
				d.ProblemItems = append(d.ProblemItems, problemActionRow{ProblemAction: a, Key: bot.FormatProblemKey(a.Problem), Overdue: a.Overdue(now)})
			}
		}
	}
	c.render(w, http.StatusOK, "actions", d)
}
