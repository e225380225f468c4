package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/warroom/warroom/bot"
)

// outboxLimit is how many jobs the outbox page lists of each kind.
const outboxLimit = 200

// outboxData is the outbox page: the dead letters an operator may send
// again or drop, and the jobs waiting for delivery.
type outboxData struct {
	layout
	Dead, Live []bot.Job
	Done       string // what the last action did, from the redirect
}

// outboxPage answers GET /outbox.
func (c *Console) outboxPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lay, err := c.frame(ctx, c.viewer(r), "Outbox", "outbox", "")
	if err != nil {
		c.fail(w, err)
		return
	}
	d := outboxData{layout: lay, Done: r.URL.Query().Get("done")}
	if d.Dead, err = c.svc.OutboxJobs(ctx, true, outboxLimit); err != nil {
		c.fail(w, err)
		return
	}
	if d.Live, err = c.svc.OutboxJobs(ctx, false, outboxLimit); err != nil {
		c.fail(w, err)
		return
	}
	c.render(w, http.StatusOK, "outbox", d)
}

// outboxAction answers POST /outbox/{id}/retry and POST /outbox/{id}/drop
// (and POST /outbox/retry for every dead letter), then shows the page again.
func (c *Console) outboxAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var (
		done string
		err  error
	)
	switch verb, idText := r.PathValue("verb"), r.PathValue("id"); {
	case idText == "" && verb == "retry":
		var n int
		n, err = c.svc.ReplayAllDead(ctx, Platform)
		done = strconv.Itoa(n) + " dead letters queued again"
	case verb == "retry" || verb == "drop":
		id, perr := strconv.ParseInt(idText, 10, 64)
		if perr != nil || id <= 0 {
			c.fail(w, bot.Errorf(bot.CodeInvalid, "%q is not a job id", idText))
			return
		}
		if verb == "retry" {
			err, done = c.svc.ReplayDead(ctx, Platform, id), "job "+idText+" queued again"
		} else {
			err, done = c.svc.DropDead(ctx, Platform, id), "job "+idText+" dropped"
		}
	default:
		c.fail(w, bot.Errorf(bot.CodeNotFound, "no such outbox action %q", verb))
		return
	}
	if err != nil {
		c.fail(w, err)
		return
	}
	c.poke()
	http.Redirect(w, r, "/outbox?done="+url.QueryEscape(done), http.StatusSeeOther)
}
