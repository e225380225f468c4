package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// Problem management over HTTP (README.md, "Problem management"):
// GET and POST /api/v1/problems, GET and PATCH /api/v1/problems/PRB-3,
// POST /api/v1/problems/PRB-3/link and /unlink, POST .../actions.
// Viewers read; responders change; every change is audited under the
// caller (or the user it acts for).

// problemView is a problem as the API shows it: every field and its key.
type problemView struct {
	*bot.Problem
	Key string `json:"key"`
}

func viewProblem(p *bot.Problem) problemView { return problemView{Problem: p, Key: p.Key()} }

// problemIncident is a linked incident in a problem's detail.
type problemIncident struct {
	Key          string     `json:"key"`
	Title        string     `json:"title"`
	Status       bot.Status `json:"status"`
	SeverityName string     `json:"severity_name"`
	DeclaredAt   time.Time  `json:"declared_at"`
}

// problemDetail is one problem with its incidents and action items.
type problemDetail struct {
	problemView
	Incidents []problemIncident `json:"incidents"`
	// HiddenIncidents counts linked private incidents the caller may not see.
	HiddenIncidents int                 `json:"hidden_incidents"`
	ActionItems     []bot.ProblemAction `json:"action_items"`
}

// problemRequest is the body of POST /api/v1/problems and PATCH
// /api/v1/problems/PRB-3: a field left out stays as it is.
type problemRequest struct {
	Title      *string `json:"title,omitempty"`
	Status     *string `json:"status,omitempty"`
	RootCause  *string `json:"root_cause,omitempty"`
	Workaround *string `json:"workaround,omitempty"`
	Owner      *string `json:"owner,omitempty"`
	User       string  `json:"user,omitempty"`
}

func (in problemRequest) change() (bot.ProblemChange, error) {
	ch := bot.ProblemChange{Title: in.Title, RootCause: in.RootCause, Workaround: in.Workaround, Owner: in.Owner}
	if in.Status != nil {
		st, err := bot.ParseProblemStatus(*in.Status)
		if err != nil {
			return ch, err
		}
		ch.Status = &st
	}
	return ch, nil
}

func (a *API) problems(w http.ResponseWriter, r *http.Request, _ caller) {
	q := r.URL.Query()
	var f bot.ProblemFilter
	for _, s := range bot.SplitValues(q["status"]) {
		st, err := bot.ParseProblemStatus(s)
		if err != nil {
			httpx.WriteErr(w, a.log, err)
			return
		}
		f.Statuses = append(f.Statuses, st)
	}
	f.Owner = strings.TrimPrefix(strings.TrimSpace(q.Get("owner")), "@")
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	f.Limit = limit
	ps, err := a.svc.Problems().List(r.Context(), f)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	out := make([]problemView, len(ps))
	for i := range ps {
		out[i] = viewProblem(&ps[i])
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"problems": out})
}

func (a *API) createProblem(w http.ResponseWriter, r *http.Request, c caller) {
	var in problemRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	ch, err := in.change()
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	title := ""
	if in.Title != nil {
		title = *in.Title
	}
	user, err := a.actingAs(r.Context(), c, in.User, "problem create "+title)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	p, err := a.svc.Problems().Create(r.Context(), user, title, ch)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	w.Header().Set("Location", "/api/v1/problems/"+p.Key())
	httpx.WriteJSON(w, http.StatusCreated, viewProblem(p))
}

func (a *API) getProblem(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := bot.ParseProblemKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	v, err := a.svc.Problems().View(r.Context(), n, c.viewer())
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	d := problemDetail{problemView: viewProblem(v.Problem), HiddenIncidents: v.Hidden,
		Incidents: []problemIncident{}, ActionItems: v.Actions}
	for _, inc := range v.Incidents {
		d.Incidents = append(d.Incidents, problemIncident{Key: inc.Key(), Title: inc.Title, Status: inc.Status,
			SeverityName: inc.Severity.String(), DeclaredAt: inc.DeclaredAt})
	}
	if d.ActionItems == nil {
		d.ActionItems = []bot.ProblemAction{}
	}
	httpx.WriteJSON(w, http.StatusOK, d)
}

func (a *API) patchProblem(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := bot.ParseProblemKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	var in problemRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	ch, err := in.change()
	if err == nil && ch == (bot.ProblemChange{}) {
		err = bot.Errorf(bot.CodeInvalid, "nothing to change: send title, status, root_cause, workaround or owner")
	}
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	user, err := a.actingAs(r.Context(), c, in.User, "problem update "+bot.FormatProblemKey(n))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	p, err := a.svc.Problems().Update(r.Context(), user, n, ch)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, viewProblem(p))
}

// linkRequest is the body of POST .../link and .../unlink.
type linkRequest struct {
	Incident string `json:"incident"` // INC-42
	User     string `json:"user,omitempty"`
}

func (a *API) linkProblem(w http.ResponseWriter, r *http.Request, c caller) { a.relink(w, r, c, true) }
func (a *API) unlinkProblem(w http.ResponseWriter, r *http.Request, c caller) {
	a.relink(w, r, c, false)
}

func (a *API) relink(w http.ResponseWriter, r *http.Request, c caller, link bool) {
	n, err := bot.ParseProblemKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	var in linkRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	inc, err := bot.ParseKey(in.Incident)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	user, err := a.actingAs(r.Context(), c, in.User, "problem link "+bot.FormatProblemKey(n)+" "+bot.FormatKey(inc))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	pr := a.svc.Problems()
	if link {
		_, err = pr.Link(r.Context(), user, c.viewer(), n, inc)
	} else {
		_, err = pr.Unlink(r.Context(), user, c.viewer(), n, inc)
	}
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	a.getProblem(w, r, c)
}

// problemActionRequest is the body of POST /api/v1/problems/PRB-3/actions.
type problemActionRequest struct {
	Title string `json:"title"`
	Owner string `json:"owner,omitempty"`
	Due   string `json:"due,omitempty"`  // a date (2026-12-01) or an RFC 3339 time
	Kind  string `json:"kind,omitempty"` // corrective (default), preventive, detective
	User  string `json:"user,omitempty"`
}

func (a *API) addProblemAction(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := bot.ParseProblemKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	var in problemActionRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	ai := bot.ActionInput{Title: in.Title, Owner: in.Owner}
	if in.Kind != "" {
		if ai.Kind, err = bot.ParseActionKind(in.Kind); err != nil {
			httpx.WriteErr(w, a.log, err)
			return
		}
	}
	if in.Due != "" {
		due, err := time.Parse(time.DateOnly, in.Due)
		if err != nil {
			if due, err = time.Parse(time.RFC3339, in.Due); err != nil {
				httpx.WriteError(w, http.StatusBadRequest, `"due" must be a date like 2026-12-01 or an RFC 3339 time`)
				return
			}
		}
		ai.Due = &due
	}
	user, err := a.actingAs(r.Context(), c, in.User, "problem action add "+bot.FormatProblemKey(n))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	item, err := a.svc.Problems().AddAction(r.Context(), user, n, ai)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, item)
}
