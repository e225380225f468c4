package api

import (
	"net/http"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/internal/httpx"
)

// catalogView is GET /api/v1/catalog: what a declare form offers (README.md,
// "Incident types, severities and fields").
type catalogView struct {
	Severities []severityView `json:"severities"`
	Statuses   []statusView   `json:"statuses"`
	Types      []typeView     `json:"types"`
	Fields     []fieldView    `json:"fields"`
}

type severityView struct {
	Severity    bot.Severity `json:"severity"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
}

type statusView struct {
	Status bot.Status `json:"status"`
	Label  string     `json:"label"`
}

type typeView struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Severities  []string `json:"severities,omitempty"` // names; empty: every one
	Private     bool     `json:"private"`
}

type fieldView struct {
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Kind        string   `json:"kind"`
	Options     []string `json:"options,omitempty"`
	Required    string   `json:"required,omitempty"` // declare, resolve, close
}

func (a *API) catalog(w http.ResponseWriter, _ *http.Request) {
	out := catalogView{Severities: []severityView{}, Statuses: []statusView{}, Types: []typeView{}, Fields: []fieldView{}}
	for _, s := range bot.Severities {
		out.Severities = append(out.Severities, severityView{Severity: s, Name: s.String(), Description: s.Description()})
	}
	for _, st := range bot.Statuses {
		out.Statuses = append(out.Statuses, statusView{Status: st, Label: st.Label()})
	}
	for _, t := range a.svc.Types() {
		tv := typeView{Name: t.Name, Description: t.Description, Private: t.Private}
		for _, s := range t.Severities {
			tv.Severities = append(tv.Severities, s.String())
		}
		out.Types = append(out.Types, tv)
	}
	for _, f := range a.svc.Fields() {
		out.Fields = append(out.Fields, fieldView{Name: f.Name, Label: f.Title(), Description: f.Description,
			Kind: string(f.Kind), Options: f.Options, Required: string(f.Required)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
