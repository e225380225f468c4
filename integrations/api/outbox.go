package api

import (
	"net/http"
	"strconv"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// outboxList answers GET /api/v1/outbox[?dead=1][&limit=N]: the jobs waiting
// to be delivered, or the dead letters.
func (a *API) outboxList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dead, err := parseBool(q.Get("dead"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	jobs, err := a.svc.OutboxJobs(r.Context(), dead, limit)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if jobs == nil {
		jobs = []bot.Job{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"dead": dead, "jobs": jobs})
}

// outboxRetry answers POST /api/v1/outbox/dead/{id}/retry: the dead job is
// sent again with a fresh failure budget.
func (a *API) outboxRetry(w http.ResponseWriter, r *http.Request, c caller) {
	id, err := parseJobID(r.PathValue("id"))
	if err == nil {
		err = a.svc.ReplayDead(r.Context(), c.actor, id)
	}
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	a.poke()
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"replayed": 1})
}

// outboxRetryAll answers POST /api/v1/outbox/dead/retry: every dead job
// is sent again.
func (a *API) outboxRetryAll(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := a.svc.ReplayAllDead(r.Context(), c.actor)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	a.poke()
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"replayed": n})
}

// outboxDrop answers DELETE /api/v1/outbox/dead/{id}.
func (a *API) outboxDrop(w http.ResponseWriter, r *http.Request, c caller) {
	id, err := parseJobID(r.PathValue("id"))
	if err == nil {
		err = a.svc.DropDead(r.Context(), c.actor, id)
	}
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"dropped": 1})
}

func parseJobID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, bot.Errorf(bot.CodeInvalid, "%q is not a job id: use the id `warroom outbox list --dead` shows", s)
	}
	return id, nil
}

func parseBool(s string) (bool, error) {
	switch s {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, bot.Errorf(bot.CodeInvalid, "%q is not a boolean: use 1 or 0", s)
}
