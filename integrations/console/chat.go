package console

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// layout is what every page's frame shows.
type layout struct {
	Title    string
	Page     string
	Channels []channelView
	Active   string                // the channel shown, if any
	Public   bool                  // show the log-out button
	Poll     int64                 // milliseconds between polls
	Held     []bot.IntegrationHold // integrations held after a refusal of their credentials: the banner
	User     string                // who the console acts as: the local operator or the signed-in person
}

// channelView is one entry of the sidebar.
type channelView struct {
	Name     string
	Href     string
	Status   bot.Status // "" for the announcement channel
	Key      string
	Active   bool
	Announce bool
}

// chatData is the chat page.
type chatData struct {
	layout
	Channel  string
	Known    bool
	Incident *bot.Incident // the channel's incident, if any
	Messages []messageView
	Version  string
	Catalog  formCatalog // what the declare and resolve forms offer (catalog.go)
}

func (c *Console) chat(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.PathValue("name"), "#")
	if name == "" {
		name = c.announce
	}
	d, err := c.chatState(r.Context(), c.viewer(r), name, name)
	if err != nil {
		c.fail(w, err)
		return
	}
	status := http.StatusOK
	if !d.Known && name != "" {
		status = http.StatusNotFound
	}
	c.render(w, status, "chat", d)
}

// chatState reads everything the chat page shows for channel name, with
// channel active highlighted in the sidebar.
func (c *Console) chatState(ctx context.Context, v bot.Viewer, name, active string) (*chatData, error) {
	d := &chatData{Channel: name, Catalog: c.formCatalog()}
	if name != "" && (name == c.announce || name == c.managers()) {
		d.Known = true
	} else if name != "" {
		inc, err := c.svc.ByChannel(ctx, Platform, name)
		switch bot.ErrorCode(err) {
		case "":
			d.Known, d.Incident = inc.VisibleTo(v), inc
			if !d.Known {
				d.Incident = nil // a private incident's channel does not exist for v
			}
		case bot.CodeNotFound:
		default:
			return nil, err
		}
	}
	lay, err := c.frame(ctx, v, "#"+name, "chat", active)
	if err != nil {
		return nil, err
	}
	d.layout = lay
	if d.Known {
		msgs, err := c.svc.Messages(ctx, Platform, name, historyLimit)
		if err != nil {
			return nil, fmt.Errorf("read messages of %s: %w", name, err)
		}
		for _, pm := range msgs {
			d.Messages = append(d.Messages, viewOf(pm))
		}
	}
	d.Version = version(d)
	return d, nil
}

// frame builds the sidebar: the announcement channel, then one channel per
// incident that is open or resolved and has its console channel, newest
// first.
func (c *Console) frame(ctx context.Context, v bot.Viewer, title, page, active string) (layout, error) {
	lay := layout{Title: title, Page: page, Active: active, Public: c.cfg.Public || c.oidc != nil, Poll: c.poll.Milliseconds(), User: v.User}
	if c.cfg.Holds != nil {
		held, err := c.cfg.Holds.HeldIntegrations(ctx)
		if err != nil {
			c.log.Warn("read held integrations", "err", err)
		}
		lay.Held = held
	}
	if c.announce != "" {
		lay.Channels = append(lay.Channels, channelView{
			Name: c.announce, Href: "/", Active: active == c.announce, Announce: true,
		})
	}
	if m := c.managers(); m != "" && m != c.announce {
		lay.Channels = append(lay.Channels, channelView{Name: m, Href: "/channels/" + m, Active: active == m})
	}
	incs, err := c.svc.ListAs(ctx, bot.IncidentFilter{Statuses: append(append([]bot.Status{}, bot.OpenStatuses...), bot.StatusResolved), Limit: 100}, v)
	if err != nil {
		return lay, fmt.Errorf("list incidents: %w", err)
	}
	for _, inc := range incs {
		ch := inc.Channels[Platform]
		if ch == "" {
			continue
		}
		lay.Channels = append(lay.Channels, channelView{
			Name: ch, Href: "/channels/" + ch, Status: inc.Status, Key: inc.Key(), Active: active == ch,
		})
	}
	return lay, nil
}

// managers is the console channel of the managers' channel (SLA breaches,
// the last escalation level), "" when none is configured.
func (c *Console) managers() string {
	return strings.TrimPrefix(c.svc.ManagersChannel(), "#")
}

// version fingerprints what the browser shows, so that a poll with nothing
// new is answered with 204.
func version(d *chatData) string {
	h := fnv.New64a()
	for _, ch := range d.Channels {
		fmt.Fprintf(h, "%s|%s|", ch.Name, ch.Status)
	}
	if d.Incident != nil {
		fmt.Fprintf(h, "inc|%d|", d.Incident.Version)
	}
	for _, m := range d.Messages {
		fmt.Fprintf(h, "%s|%s|", m.DOMID, m.Version)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// pollReply is what the page's script merges into the page.
type pollReply struct {
	Version  string        `json:"v"`
	Sidebar  string        `json:"sidebar"`
	Header   string        `json:"header"`
	Messages []pollMessage `json:"messages"`
}

type pollMessage struct {
	ID      string `json:"id"`
	Version string `json:"v"`
	HTML    string `json:"html"`
}

// pollState answers GET /console/poll?channel=NAME&v=VERSION: 204 when the
// version is current, the sidebar, header and messages otherwise. Pages
// without a channel send active=NAME instead, for the sidebar only.
func (c *Console) pollState(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, active := q.Get("channel"), q.Get("active")
	if name != "" {
		active = name
	}
	d, err := c.chatState(r.Context(), c.viewer(r), name, active)
	if err != nil {
		httpx.WriteErr(w, c.log, err)
		return
	}
	if q.Get("v") == d.Version {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	out := pollReply{Version: d.Version, Messages: make([]pollMessage, 0, len(d.Messages))}
	if out.Sidebar, err = c.fragment("sidebar", d); err == nil {
		out.Header, err = c.fragment("header", d)
	}
	for _, m := range d.Messages {
		if err != nil {
			break
		}
		var html string
		html, err = c.fragment("message", m)
		out.Messages = append(out.Messages, pollMessage{ID: m.DOMID, Version: m.Version, HTML: html})
	}
	if err != nil {
		httpx.WriteErr(w, c.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// commandRequest is what the page sends when a person types a command or
// clicks a button.
type commandRequest struct {
	Text    string `json:"text"`
	User    string `json:"user"` // ignored: older pages send the name they showed
	Channel string `json:"channel"`
}

// commandReply is the reply, rendered, for the page to show to its person.
type commandReply struct {
	HTML      string `json:"html"`
	Ephemeral bool   `json:"ephemeral"`
	Form      string `json:"form,omitempty"`
}

// command answers POST /console/command.
func (c *Console) command(w http.ResponseWriter, r *http.Request) {
	var in commandRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	if strings.TrimSpace(in.Text) == "" {
		httpx.WriteError(w, http.StatusBadRequest, "type a command, e.g. /incident help")
		return
	}
	// Without sign-in the console's user is its one configured operator
	// (on loopback the machine's own, elsewhere the holder of the admin
	// token), who sees private incidents as the sidebar and the incident
	// pages do; with sign-in, the signed-in person. Never a name the
	// request gives.
	user, readOnly, seePrivate := c.cfg.LocalUser, false, true
	if c.oidc != nil {
		p, _ := c.oidc.session(r)
		user, readOnly, seePrivate = p.user(), !p.Role.Allows(bot.RoleResponder), p.Role == bot.RoleAdmin
	}
	rep, err := c.router.Dispatch(r.Context(), commands.Request{
		Text: in.Text, User: user, Channel: strings.TrimPrefix(in.Channel, "#"), Platform: Platform,
		ReadOnly: readOnly, SeePrivate: seePrivate,
	})
	c.pokeCommand()
	if err != nil {
		httpx.WriteErr(w, c.log, err)
		return
	}
	v := messageView{At: c.svc.Now(), Lead: rep.Text, Ephemeral: rep.Ephemeral, Form: rep.Form, Prompt: strings.TrimSpace(in.Text)}
	// A change's card reaches the channel through the outbox; repeating it
	// in the reply would show it twice. Reads (ephemeral) show theirs.
	if rep.Message != nil && (rep.Ephemeral || rep.Text == "") {
		v.Msg = *rep.Message
	}
	html, err := c.fragment("reply", v)
	if err != nil {
		httpx.WriteErr(w, c.log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, commandReply{HTML: html, Ephemeral: rep.Ephemeral, Form: rep.Form})
}

// fail answers a page request that could not be served.
func (c *Console) fail(w http.ResponseWriter, err error) {
	status := httpx.StatusOf(err)
	if status == http.StatusInternalServerError {
		c.log.Error("console page", "err", err)
	}
	http.Error(w, bot.ErrorMessage(err), status)
}
