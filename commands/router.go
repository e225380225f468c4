package commands

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/warroom/warroom/bot"
)

// Request is one command as a person typed it.
type Request struct {
	Text     string // "/incident ack INC-42", "incident ack", "ack INC-42", "/oncall", "help"; the leading "/incident" or "incident" is optional
	User     string // who typed it (platform user id or name); "@me" in arguments means this user
	Channel  string // platform channel id the command was typed in ("" when none)
	Platform string // "console", "slack", "discord", "api"
	ReadOnly bool   // the caller may only read: a command that changes anything is refused (forbidden)
	// SeePrivate says the caller may see every private incident (an admin
	// token, the console's operator); otherwise it sees those it holds a
	// role in, those whose channel it types in, and Permissions.SeePrivate's.
	SeePrivate bool
}

// Reply is what the bot answers.
type Reply struct {
	Text      string        // markdown-ish text reply (may be multi-line)
	Message   *bot.Message  // optional rich message (the incident card for show and declare)
	Incident  *bot.Incident // the incident the command acted on, if any
	Ephemeral bool          // visible only to the person who typed (reads, help)
	Form      string        // a form the platform may open instead ("declare" when declare has no arguments); "" none
}

// Config holds the Router's optional capabilities. A nil capability makes
// its command answer bot.CodeNotConfigured.
type Config struct {
	Pager    Pager
	Ticketer Ticketer
	// Ticketers are every configured ticket system (Ticketer among them);
	// /incident ticket creates in those the incident's severity names
	// (bot.Service.TicketSystems), all of them by default.
	Ticketers []Ticketer
	OnCall    OnCall
	// ServiceOnCall, when set, names the chat users on call now for an
	// incident's service, which /oncall in its room shows first.
	ServiceOnCall bot.OnCallMentions
	Digester      Digester
	Postmortem    Postmortems
	Maintenance   Maintenance
	// Observe, when set, is called once per Dispatch with the command's name
	// ("unknown" when none was found), its latency and its error.
	Observe func(command string, d time.Duration, err error)
	// Now is the clock for due dates, times and ages; nil means time.Now.
	Now func() time.Time
	// Permissions say who may do what; the zero value allows everyone.
	Permissions Permissions
	// Identify, when set, names the person behind a chat user (by e-mail)
	// for permissions and private incidents.
	Identify Identify
}

// Router parses command text and runs it against the Service. It is safe
// for concurrent use.
type Router struct {
	svc *bot.Service
	cfg Config
	log *slog.Logger
	now func() time.Time
	reg *registry
}

// New builds a Router over svc.
func New(svc *bot.Service, cfg Config, log *slog.Logger) (*Router, error) {
	if svc == nil {
		return nil, errors.New("commands: nil service")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	reg, err := newRegistry(table(), svc.Roles())
	if err != nil {
		return nil, err
	}
	return &Router{svc: svc, cfg: cfg, log: log.With("component", "commands"), now: now, reg: reg}, nil
}

// Help lists every command with its usage and summary.
func (r *Router) Help() string { return r.reg.help() }

// call is one command being run.
type call struct {
	req  Request
	cmd  *command
	args []Token       // the tokens after the command name and the explicit key
	inc  *bot.Incident // the incident it acts on, when resolved and read
	// number is the incident's number, when resolved (0 when only its
	// channel is known). For a command whose change reads the incident
	// itself (command.checksInTx), the router leaves inc nil and the
	// change checks what reading it would have: unread is who asks, for
	// an explicit key; room the channel typed in, without one.
	number int64
	unread *bot.Viewer
	room   *bot.ChannelRef
	actor  string
}

// cause is the bot.Cause of the call's change: one that reads the
// incident and checks it for the caller when the router did not.
func (c *call) cause() bot.Cause { return bot.Cause{Viewer: c.unread, Channel: c.room} }

// checked is cause with a check of the incident the change read.
func (c *call) checked(check func(inc *bot.Incident) error) bot.Cause {
	cause := c.cause()
	cause.Check = check
	return cause
}

// deferred says the router left the incident's read to the change.
func (c *call) deferred() bool { return c.unread != nil || c.room != nil }

// Dispatch runs one command. Errors are *bot.Error: invalid ones carry the
// command's usage line after the message.
func (r *Router) Dispatch(ctx context.Context, req Request) (Reply, error) {
	start := time.Now()
	name := "unknown"
	rep, err := r.dispatch(ctx, req, &name)
	if err != nil {
		err = r.failure(ctx, req, name, err)
		rep = Reply{}
	}
	if r.cfg.Observe != nil {
		r.cfg.Observe(name, time.Since(start), err)
	}
	return rep, err
}

func (r *Router) dispatch(ctx context.Context, req Request, name *string) (Reply, error) {
	toks, err := Tokenize(req.Text)
	if err != nil {
		return Reply{}, err
	}
	toks = stripPrefix(toks)
	if len(toks) == 0 {
		*name = "help"
		return Reply{Text: r.Help(), Ephemeral: true}, nil
	}
	cmd, args, err := r.lookup(toks)
	if err != nil {
		return Reply{}, err
	}
	*name = cmd.name
	if req.ReadOnly && !cmd.reads {
		return Reply{}, bot.Errorf(bot.CodeForbidden, "%s changes things, and you may only read", cmd.name)
	}
	if what, list := r.cfg.Permissions.permissionOf(cmd.name); len(list) > 0 && !allows(list, r.names(ctx, req)...) {
		return Reply{}, bot.Errorf(bot.CodeForbidden, "you may not %s here", what)
	}
	if cmd.needs != nil {
		if msg := cmd.needs(&r.cfg); msg != "" {
			return Reply{}, bot.Errorf(bot.CodeNotConfigured, "%s", msg)
		}
	}
	c := &call{req: req, cmd: cmd, args: args, actor: req.User}
	if cmd.incident != noIncident {
		if err := r.resolve(ctx, c); err != nil {
			return Reply{}, err
		}
	}
	rep, err := cmd.run(ctx, r, c)
	if err != nil && c.deferred() {
		// The read left to the change comes first, as it would have here.
		if rerr := r.read(ctx, c); rerr != nil {
			return Reply{}, rerr
		}
	}
	return rep, err
}

// lookup finds the command. A key written before the command ("INC-42 ack")
// moves after it, and a key alone means show.
func (r *Router) lookup(toks []Token) (*command, []Token, error) {
	if toks[0].Kind != Key {
		return r.reg.lookup(toks)
	}
	if len(toks) == 1 {
		return r.reg.byName["show"], toks, nil
	}
	cmd, args, err := r.reg.lookup(toks[1:])
	if err != nil {
		return nil, nil, err
	}
	if cmd.incident == noIncident {
		return nil, nil, bot.Errorf(bot.CodeInvalid, "%s is not about one incident: write /incident %s without %s", cmd.name, cmd.name, toks[0].Value)
	}
	return cmd, append([]Token{toks[0]}, args...), nil
}

// stripPrefix drops a leading "/incident" or "incident", and the slash of a
// top-level command written "/oncall" or "/problem".
func stripPrefix(toks []Token) []Token {
	if len(toks) == 0 || toks[0].Kind != Word || toks[0].Quoted {
		return toks
	}
	switch w := strings.ToLower(toks[0].Text); {
	case w == "/incident" || w == "incident":
		return toks[1:]
	case w == "/oncall" || w == "/problem":
		out := append([]Token(nil), toks...)
		out[0].Text, out[0].Value = w[1:], w[1:]
		return out
	}
	return toks
}

// resolve finds the incident a command acts on: an explicit key right after
// the command, else the channel's incident. A command whose change reads
// the incident itself (command.checksInTx) is left to read it there.
func (r *Router) resolve(ctx context.Context, c *call) error {
	if len(c.args) > 0 && c.args[0].Kind == Key {
		n, err := bot.ParseKey(c.args[0].Value)
		if err != nil {
			return err
		}
		c.args = c.args[1:]
		c.number = n
		if c.cmd.checksInTx {
			v := r.viewer(ctx, c.req)
			c.unread = &v
			return nil
		}
	} else if c.req.Channel != "" && c.cmd.checksInTx {
		c.room = &bot.ChannelRef{Platform: c.req.Platform, Channel: c.req.Channel}
		return nil
	}
	return r.read(ctx, c)
}

// read reads the incident resolve found (c.number, else the channel's),
// or answers why there is none.
func (r *Router) read(ctx context.Context, c *call) error {
	if c.number != 0 {
		v := c.unread
		if v == nil {
			w := r.viewer(ctx, c.req)
			v = &w
		}
		inc, err := r.svc.GetAs(ctx, c.number, *v)
		if err != nil {
			return err
		}
		c.inc = inc
		return nil
	}
	if c.req.Channel != "" { // whoever is in an incident's channel is in it
		inc, err := r.svc.ByChannel(ctx, c.req.Platform, c.req.Channel)
		if err == nil {
			c.inc, c.number = inc, inc.Number
			return nil
		}
		if bot.ErrorCode(err) != bot.CodeNotFound {
			return err
		}
	}
	if c.cmd.incident == maybeIncident {
		return nil
	}
	example := "/incident " + c.cmd.name + " INC-42"
	if requiredArgs(strings.TrimPrefix(c.cmd.usage, "/incident "+c.cmd.name)) {
		example += " ..."
	}
	return bot.Errorf(bot.CodeInvalid, "which incident? write `%s`, or run it in the incident's channel", example)
}

// failure turns err into the *bot.Error the caller sees: invalid errors get
// the usage line, uncoded ones become a plain internal error (logged here,
// their text is not for users).
func (r *Router) failure(ctx context.Context, req Request, name string, err error) error {
	var be *bot.Error
	if !errors.As(err, &be) {
		r.log.ErrorContext(ctx, "command failed", "command", name, "platform", req.Platform, "err", err)
		return &bot.Error{Code: bot.CodeInternal, Msg: "internal error: the command was not completed", Err: err}
	}
	if be.Code == bot.CodeInvalid {
		if c, ok := r.reg.byName[name]; ok && !strings.Contains(be.Msg, "\nusage: ") {
			return &bot.Error{Code: bot.CodeInvalid, Msg: be.Msg + "\nusage: " + c.usage}
		}
	}
	return be
}

// requiredArgs reports whether a usage tail names anything outside [brackets].
func requiredArgs(tail string) bool {
	depth := 0
	for _, r := range tail {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case depth == 0 && r != ' ':
			return true
		}
	}
	return false
}

// viewer is who reads, for private incidents.
func (r *Router) viewer(ctx context.Context, req Request) bot.Viewer {
	names := r.names(ctx, req)
	see := req.SeePrivate
	if len(r.cfg.Permissions.SeePrivate) > 0 && allows(r.cfg.Permissions.SeePrivate, names...) {
		see = true
	}
	return bot.Viewer{User: req.User, Aliases: names[1:], SeePrivate: see}
}
