package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// listPage is the answer of GET /api/v1/incidents.
type listPage struct {
	Incidents []*incidentView `json:"incidents"`
	// Total counts every incident the status filter selects, across pages.
	Total int `json:"total"`
	// NextCursor fetches the page after this one; absent on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// list answers GET /api/v1/incidents[?status=…][&limit=N][&cursor=C|&offset=N]:
// newest first, open incidents unless status says otherwise. A cursor
// pages on from where the previous page ended, unmoved by incidents
// declared since; offset skips a count (README: JSON API). Private
// incidents the caller may not see are left out of the page (the total
// counts them, without saying which).
func (a *API) list(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	var f bot.IncidentFilter
	switch st := strings.ToLower(strings.TrimSpace(q.Get("status"))); st {
	case "", "open":
		f.Statuses = bot.OpenStatuses
	case "all":
	default:
		for _, part := range strings.Split(st, ",") {
			s, err := bot.ParseStatus(part)
			if err != nil {
				httpx.WriteError(w, http.StatusBadRequest, bot.ErrorMessage(err)+` (or "open", "all")`)
				return
			}
			f.Statuses = append(f.Statuses, s)
		}
	}
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if f.Before, f.Offset, err = parsePosition(q.Get("cursor"), q.Get("offset")); err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	f.Limit = limit + 1 // one more tells whether a next page exists
	ctx := r.Context()
	incs, err := a.svc.ListAs(ctx, f, c.viewer())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	total, err := a.svc.CountIncidents(ctx, f.Statuses)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	page := listPage{Incidents: make([]*incidentView, 0, min(len(incs), limit)), Total: total}
	if len(incs) > limit {
		incs = incs[:limit]
		page.NextCursor = encodeCursor(incs[limit-1].Number)
	}
	for _, inc := range incs {
		page.Incidents = append(page.Incidents, view(inc))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}

// cursorPrefix versions the cursor's contents, which clients never read.
const cursorPrefix = "v1:"

// encodeCursor is the cursor of the page after the incident numbered last.
func encodeCursor(last int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(last, 10)))
}

// parsePosition reads cursor or offset (not both) into the filter's
// Before and Offset.
func parsePosition(cursor, offset string) (before int64, skip int, err error) {
	if cursor != "" && offset != "" {
		return 0, 0, bot.Errorf(bot.CodeInvalid, `give "cursor" or "offset", not both`)
	}
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		n, perr := strconv.ParseInt(strings.TrimPrefix(string(raw), cursorPrefix), 10, 64)
		if err != nil || perr != nil || !strings.HasPrefix(string(raw), cursorPrefix) || n < 1 {
			return 0, 0, bot.Errorf(bot.CodeInvalid, `"cursor" is not one this API gave`)
		}
		return n, 0, nil
	}
	if offset != "" {
		n, err := strconv.Atoi(offset)
		if err != nil || n < 0 {
			return 0, 0, bot.Errorf(bot.CodeInvalid, `"offset" must be a number from 0`)
		}
		return 0, n, nil
	}
	return 0, 0, nil
}
