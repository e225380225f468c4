package api

import (
	"net/http"
	"strings"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
	"github.com/warroom/warroom/internal/httpx"
)

// commandRequest is the body of POST /api/v1/commands.
type commandRequest struct {
	Text    string `json:"text"`
	User    string `json:"user,omitempty"`
	Channel string `json:"channel,omitempty"`
}

// commandReply is the answer of POST /api/v1/commands.
type commandReply struct {
	Text      string        `json:"text,omitempty"`
	Incident  *incidentView `json:"incident,omitempty"`
	Message   *bot.Message  `json:"message,omitempty"`
	Ephemeral bool          `json:"ephemeral"`
	Form      string        `json:"form,omitempty"`
}

// command runs one command in the chat language and answers its reply.
func (a *API) command(w http.ResponseWriter, r *http.Request, c caller) {
	var in commandRequest
	if httpx.DecodeJSON(w, r, &in) != nil {
		return
	}
	if strings.TrimSpace(in.Text) == "" {
		httpx.WriteError(w, http.StatusBadRequest, `"text" is required, e.g. {"text": "/incident list"}`)
		return
	}
	user, err := a.actingAs(r.Context(), c, in.User, in.Text)
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	rep, err := a.router.Dispatch(r.Context(), commands.Request{
		Text: in.Text, User: user, Channel: in.Channel, Platform: Platform,
		ReadOnly: !c.role.Allows(bot.RoleResponder), SeePrivate: c.viewer().SeePrivate,
	})
	a.pokeCommand()
	if err != nil {
		httpx.WriteErr(w, a.log, err)
		return
	}
	out := commandReply{Text: rep.Text, Message: rep.Message, Ephemeral: rep.Ephemeral, Form: rep.Form}
	if rep.Incident != nil {
		out.Incident = view(rep.Incident)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
