package api

import (
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// actionList is the answer of GET /api/v1/actions.
type actionList struct {
	Items []bot.ActionItem `json:"action_items"`
}

// actions answers GET /api/v1/actions with bot.ParseActionQuery's filters
// (overdue, open, owner, service, severity, source): the items the caller
// may see, soonest due first.
func (a *API) actions(w http.ResponseWriter, r *http.Request, c caller) {
	q, err := bot.ParseActionQuery(r.URL.Query())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	items, err := a.svc.ActionListAs(r.Context(), q, c.viewer())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if items == nil {
		items = []bot.ActionItem{}
	}
	httpx.WriteJSON(w, http.StatusOK, actionList{Items: items})
}
