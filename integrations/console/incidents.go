package console

import (
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/warroom/warroom/bot"
)

// incidentData is one incident's page.
type incidentData struct {
	layout
	Inc      *bot.Incident
	Key      string
	Channel  string
	Roles    []roleView
	Times    []timeView
	SLA      bot.SLA
	Actions  []bot.ActionItem
	Timeline []bot.Entry
	// LastEntry is the ID of the timeline's newest entry: where the live
	// stream starts.
	LastEntry int64
	Alerts    []bot.AlertView
	Now       time.Time
	Fields    []fieldRow    // custom fields, configured order (catalog.go)
	Problems  []bot.Problem // the problems the incident is linked to (problems.go)
}

type roleView struct{ Role, User string }

type timeView struct {
	Label string
	At    *time.Time
	Note  string // e.g. MTTA 4m
}

// maxPageAlerts is how many alerts the incident page lists.
const maxPageAlerts = 200

func (c *Console) incident(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	n, err := bot.ParseKey(r.PathValue("key"))
	if err != nil {
		c.fail(w, err)
		return
	}
	inc, err := c.svc.GetAs(ctx, n, c.viewer(r)) // 404 for a private incident v may not see
	if err != nil {
		c.fail(w, err)
		return
	}
	tl, err := c.svc.Timeline(ctx, n)
	if err != nil {
		c.fail(w, err)
		return
	}
	if names := c.svc.Names(); names != nil { // names, not ids, where people read
		for i := range tl {
			tl[i].Actor, tl[i].Text = names.Name(tl[i].Actor), names.Text(tl[i].Text)
		}
	}
	items, err := c.svc.Actions(ctx, bot.ActionFilter{Incident: n})
	if err != nil {
		c.fail(w, err)
		return
	}
	alerts, err := c.svc.IncidentAlerts(ctx, n, maxPageAlerts)
	if err != nil {
		c.fail(w, err)
		return
	}
	ch := inc.Channels[Platform]
	lay, err := c.frame(ctx, c.viewer(r), inc.Key()+": "+inc.Title, "incident", ch)
	if err != nil {
		c.fail(w, err)
		return
	}
	d := incidentData{
		layout: lay, Inc: inc, Key: inc.Key(), Channel: ch, SLA: c.svc.SLA(inc.Severity),
		Actions: items, Timeline: tl, Now: c.svc.Now(), Fields: c.fieldRows(inc),
	}
	if d.Problems, err = c.svc.Problems().OfIncident(ctx, n); err != nil {
		c.fail(w, err)
		return
	}
	if len(tl) > 0 {
		d.LastEntry = tl[len(tl)-1].ID
	}
	for _, a := range alerts {
		d.Alerts = append(d.Alerts, bot.ViewAlert(a))
	}
	for _, role := range c.svc.Roles() {
		d.Roles = append(d.Roles, roleView{Role: role, User: inc.Roles[role]})
	}
	for _, role := range slices.Sorted(maps.Keys(inc.Roles)) {
		if !slices.Contains(c.svc.Roles(), role) {
			d.Roles = append(d.Roles, roleView{Role: role, User: inc.Roles[role]})
		}
	}
	started, declared := inc.StartedAt, inc.DeclaredAt
	d.Times = []timeView{
		{Label: "Started", At: &started},
		{Label: "Declared", At: &declared, Note: "MTTD " + bot.FormatDuration(inc.TimeToDetect())},
		{Label: "Acknowledged", At: inc.AcknowledgedAt, Note: durNote("MTTA", inc.TimeToAcknowledge)},
		{Label: "Mitigated", At: inc.MitigatedAt},
		{Label: "Resolved", At: inc.ResolvedAt, Note: durNote("MTTR", inc.TimeToResolve)},
		{Label: "Closed", At: inc.ClosedAt},
	}
	c.render(w, http.StatusOK, "incident", d)
}

func durNote(label string, f func() (time.Duration, bool)) string {
	if d, ok := f(); ok {
		return label + " " + bot.FormatDuration(d)
	}
	return ""
}
