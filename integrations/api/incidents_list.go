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
	// Total counts the incidents matching the filters that the caller may
	// see, across pages, up to bot.CountCap.
	Total int64 `json:"total"`
	// AtLeast says Total stopped at bot.CountCap.
	AtLeast bool `json:"at_least,omitempty"`
	// NextCursor fetches the page after this one; absent on the last page
	// and when sorted other than newest first (page with offset then).
	NextCursor string `json:"next_cursor,omitempty"`
}

// list answers GET /api/v1/incidents with the incident list's filters
// (bot.ParseIncidentQuery: status, severity, service, source, q, from, to,
// sort, dir), [&limit=N] and [&cursor=C|&offset=N]: newest first, open
// incidents unless status says otherwise. A cursor pages on from where the
// previous page ended, unmoved by incidents declared since; offset skips a
// count (README: JSON API). Private incidents the caller may not see are
// in neither the page nor the total.
func (a *API) list(w http.ResponseWriter, r *http.Request, c caller) {
	v := r.URL.Query()
	q, _, err := bot.ParseIncidentQuery(v)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	limit, err := parseLimit(v.Get("limit"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if q.Before, q.Offset, err = parsePosition(v.Get("cursor"), v.Get("offset")); err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	newestFirst := q.Sort == bot.SortNumber && q.Desc
	if q.Before > 0 && !newestFirst {
		httpx.WriteError(w, http.StatusBadRequest, `"cursor" pages newest first only: page other orders with "offset"`)
		return
	}
	q.Limit = limit + 1 // one more tells whether a next page exists
	page, err := a.svc.SearchAs(r.Context(), q, c.viewer())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	incs := page.Incidents
	out := listPage{Incidents: make([]*incidentView, 0, min(len(incs), limit)), Total: page.Total, AtLeast: page.AtLeast}
	if len(incs) > limit {
		incs = incs[:limit]
		if newestFirst {
			out.NextCursor = encodeCursor(incs[limit-1].Number)
		}
	}
	for _, inc := range incs {
		out.Incidents = append(out.Incidents, view(inc))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
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
