package api

import (
	"context"
	"net/http"
	"time"

	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/internal/httpx"
)

// Insighter builds the figures of a period: digest.Builder, the one
// computation behind the chat digest, the console's insights page and
// `warroom digest --format json`.
type Insighter interface {
	Build(ctx context.Context, o digest.Options) (*digest.Digest, error)
}

// insights answers GET /api/v1/insights?period=30d&service=api&now=…
// (parameters as digest.ParseQuery reads them) with digest.Insights.
func (a *API) insights(w http.ResponseWriter, r *http.Request) {
	if a.insighter == nil {
		httpx.WriteError(w, http.StatusNotFound, "insights are not configured")
		return
	}
	o, err := digest.ParseQuery(r.URL.Query(), a.now(), a.location)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	o.Sections = []string{digest.SectionChart, digest.SectionProblems} // the series (no PNG is drawn here) and the problems
	d, err := a.insighter.Build(r.Context(), o)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, digest.InsightsOf(d))
}

func (a *API) now() time.Time {
	if a.clock != nil {
		return a.clock()
	}
	return time.Now()
}
