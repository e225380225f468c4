package api

import (
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// incidentAudit answers GET /api/v1/incidents/{key}/audit.
func (a *API) incidentAudit(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := bot.ParseKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	a.writeAudit(w, r, c, n)
}

// audit answers GET /api/v1/audit[?incident=INC-42][&limit=N].
func (a *API) audit(w http.ResponseWriter, r *http.Request, c caller) {
	var n int64
	if key := r.URL.Query().Get("incident"); key != "" {
		var err error
		if n, err = bot.ParseKey(key); err != nil {
			httpx.WriteErr(w, a.log, err)
			return
		}
	}
	a.writeAudit(w, r, c, n)
}

// writeAudit answers the audit records of incident n (0: all), oldest
// first, at most limit of them.
func (a *API) writeAudit(w http.ResponseWriter, r *http.Request, c caller, n int64) {
	ctx := r.Context()
	limit, err := parseLimit(r.URL.Query().Get("limit"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if n != 0 {
		if _, err := a.svc.GetAs(ctx, n, c.viewer()); err != nil {
			httpx.WriteErr(w, a.log, err)
			return
		}
	}
	recs, err := a.svc.AuditAs(ctx, bot.AuditFilter{Incident: n, Limit: limit}, c.viewer())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if recs == nil {
		recs = []bot.AuditRecord{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"audit": recs})
}
