package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// Limits of list endpoints.
const (
	defaultLimit = 100
	maxLimit     = bot.MaxPage
)

// incidentView is an incident as the API shows it: every field of
// bot.Incident plus its key and the severity's name.
type incidentView struct {
	*bot.Incident
	Key          string `json:"key"`
	SeverityName string `json:"severity_name"`
	StatusLabel  string `json:"status_label"`
}

func view(inc *bot.Incident) *incidentView {
	return &incidentView{Incident: inc, Key: inc.Key(), SeverityName: inc.Severity.String(), StatusLabel: inc.Status.Label()}
}

// incidentDetail is one incident with its history.
type incidentDetail struct {
	*incidentView
	Timeline    []bot.Entry      `json:"timeline"`
	ActionItems []bot.ActionItem `json:"action_items"`
	// Alerts are the incident's alerts with their labels, annotations,
	// times and links (at most maxAlerts, oldest first).
	Alerts []bot.AlertView `json:"alerts"`
}

// maxAlerts is how many alerts one incident's detail lists.
const maxAlerts = 500

// declareRequest is the body of POST /api/v1/incidents.
type declareRequest struct {
	Title     string          `json:"title"`
	Severity  json.RawMessage `json:"severity,omitempty"` // "sev2", "SEV2", "2" or 2
	Service   string          `json:"service,omitempty"`
	Summary   string          `json:"summary,omitempty"`
	Impact    string          `json:"impact,omitempty"`
	Private   bool            `json:"private,omitempty"`
	Commander string          `json:"commander,omitempty"`
	StartedAt string          `json:"started_at,omitempty"` // RFC 3339
	User      string          `json:"user,omitempty"`
	Type      string          `json:"type,omitempty"`
	// Fields are custom field values: strings, or numbers for a number field.
	Fields map[string]any `json:"fields,omitempty"`
}

func (a *API) declare(w http.ResponseWriter, r *http.Request, c caller) {
	var in declareRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	sev, err := parseSeverity(in.Severity)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	var started time.Time
	if in.StartedAt != "" {
		started, err = time.Parse(time.RFC3339, in.StartedAt)
		if err != nil {
			httpx.WriteError(w, http.StatusBadRequest, `"started_at" must be an RFC 3339 time like 2026-03-01T14:05:00Z`)
			return
		}
	}
	fields, err := fieldValues(in.Fields)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	user, err := a.actingAs(r.Context(), c, in.User, "declare "+in.Title)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	if err := a.router.MayDeclare(user, sev); err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	inc, err := a.svc.Declare(r.Context(), bot.DeclareInput{
		Title: in.Title, Severity: sev, Service: in.Service, Summary: in.Summary, Impact: in.Impact,
		Private: in.Private, Commander: in.Commander, StartedAt: started, Actor: user,
		Type: in.Type, Fields: fields,
	})
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	a.pokeCommand()
	w.Header().Set("Location", "/api/v1/incidents/"+inc.Key())
	httpx.WriteJSON(w, http.StatusCreated, view(inc))
}

// fieldValues reads "fields": each value a string or a number.
func fieldValues(in map[string]any) (map[string]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		switch v := v.(type) {
		case string:
			out[k] = v
		case float64:
			out[k] = strconv.FormatFloat(v, 'f', -1, 64)
		case nil:
		default:
			return nil, bot.Errorf(bot.CodeInvalid, `"fields.%s" must be a string or a number`, bot.SanitizeTitle(k, 40))
		}
	}
	return out, nil
}

// parseSeverity accepts a JSON string ("sev2", "SEV2", "2") or number (2);
// absent means the default.
func parseSeverity(raw json.RawMessage) (bot.Severity, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n int
		if json.Unmarshal(raw, &n) != nil {
			return 0, bot.Errorf(bot.CodeInvalid, `"severity" must be one of "sev1", "sev2", "sev3", "sev4"`)
		}
		s = strconv.Itoa(n)
	}
	return bot.ParseSeverity(s)
}

func parseLimit(s string) (int, error) {
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, bot.Errorf(bot.CodeInvalid, `"limit" must be a number from 1 to %d`, maxLimit)
	}
	return n, nil
}

func (a *API) get(w http.ResponseWriter, r *http.Request, c caller) {
	n, err := bot.ParseKey(r.PathValue("key"))
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	ctx := r.Context()
	inc, err := a.svc.GetAs(ctx, n, c.viewer()) // 404 for one the caller may not see
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	tl, err := a.svc.Timeline(ctx, n)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	items, err := a.svc.Actions(ctx, bot.ActionFilter{Incident: n})
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	alerts, err := a.svc.IncidentAlerts(ctx, n, maxAlerts)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	views := make([]bot.AlertView, 0, len(alerts))
	for _, al := range alerts {
		views = append(views, bot.ViewAlert(al))
	}
	if tl == nil {
		tl = []bot.Entry{}
	}
	if items == nil {
		items = []bot.ActionItem{}
	}
	httpx.WriteJSON(w, http.StatusOK, incidentDetail{incidentView: view(inc), Timeline: tl, ActionItems: items, Alerts: views})
}
