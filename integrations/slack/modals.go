package slack

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// Modal callback ids, and the block and action ids of their inputs (each
// input's block_id equals its action_id).
const (
	viewDeclare = "warroom_declare"
	viewUpdate  = "warroom_update"
	viewResolve = "warroom_resolve"

	// shortcutDeclare is the callback id of the global shortcut that opens
	// the declare form (deploy/slack/manifest.yaml).
	shortcutDeclare = "warroom_declare_shortcut"

	inTitle    = "title"
	inSeverity = "severity"
	inService  = "service"
	inSummary  = "summary"
	inPrivate  = "private"
	inStatus   = "status"
	inText     = "text"
)

// openView opens a modal for the person whose click or command carried
// triggerID (valid for 3 s).
func (s *Slack) openView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	ctx, cancel := context.WithTimeout(ctx, replyTimeout)
	defer cancel()
	if _, err := s.api.OpenViewContext(ctx, triggerID, v); err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

func modal(callback, title, submit, metadata string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callback, PrivateMetadata: metadata,
		Title: plain(title), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

func input(id, label string, el slack.BlockElement, optional bool) *slack.InputBlock {
	b := slack.NewInputBlock(id, plain(label), nil, el)
	b.Optional = optional
	return b
}

func textInput(id, placeholder string, multiline bool, maxLen int) *slack.PlainTextInputBlockElement {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), id)
	el.Multiline, el.MaxLength = multiline, maxLen
	return el
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label), nil)
}

// declareView is the declare form; metadata carries the channel it was
// opened from.
func declareView(channel string, cat catalog) slack.ModalViewRequest {
	var sevs []*slack.OptionBlockObject
	for _, s := range bot.Severities {
		sevs = append(sevs, severityOption(s))
	}
	sev := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Severity"), inSeverity, sevs...)
	sev.InitialOption = sevs[bot.SEV3-1]
	private := slack.NewCheckboxGroupsBlockElement(inPrivate, option("private", "Private incident (private channel, not announced)"))
	blocks := []slack.Block{
		input(inTitle, "Title", textInput(inTitle, "Checkout latency above SLO", false, bot.MaxTitleLen), false),
		input(inSeverity, "Severity", sev, false),
	}
	if t := cat.typeInput(); t != nil {
		blocks = append(blocks, t)
	}
	blocks = append(blocks,
		input(inService, "Service", textInput(inService, "checkout", false, bot.MaxNameLen), true),
		input(inSummary, "Description", textInput(inSummary, "What is happening, who is affected", true, 2900), true),
	)
	blocks = append(blocks, cat.fieldInputs(bot.StageDeclare, nil)...)
	blocks = append(blocks, input(inPrivate, "Visibility", private, true))
	return modal(viewDeclare, "Declare an incident", "Declare", channel, blocks...)
}

// updateView is the status update form of inc.
func updateView(inc *bot.Incident, channel string) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, st := range append([]bot.Status{inc.Status}, bot.AllowedMoves(inc.Status)...) {
		if st == bot.StatusClosed || (!st.Open() && st != bot.StatusResolved) {
			continue
		}
		o := option(string(st), st.Label())
		if st == inc.Status {
			initial = o
		}
		opts = append(opts, o)
	}
	status := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Status"), inStatus, opts...)
	status.InitialOption = initial
	return modal(viewUpdate, "Post an update", "Post", inc.Key()+"|"+channel,
		input(inStatus, "Status", status, true),
		input(inText, "Update", textInput(inText, "What changed, what is next", true, 2900), false),
	)
}

// resolveView is the resolve form of inc: its summary, and the fields
// required to resolve that it has not set.
func resolveView(inc *bot.Incident, channel string, cat catalog) slack.ModalViewRequest {
	blocks := []slack.Block{input(inSummary, "Summary", textInput(inSummary, "What fixed it", true, 2900), true)}
	blocks = append(blocks, cat.fieldInputs(bot.StageResolve, inc)...)
	return modal(viewResolve, "Resolve "+inc.Key(), "Resolve", inc.Key()+"|"+channel, blocks...)
}

// formView is the modal a button's form names, or false.
func formView(form string, inc *bot.Incident, channel string, cat catalog) (slack.ModalViewRequest, bool) {
	switch form {
	case "update":
		return updateView(inc, channel), true
	case "resolve":
		return resolveView(inc, channel, cat), true
	}
	return slack.ModalViewRequest{}, false
}

// submission is a submitted modal, reduced to its values.
type submission struct {
	Callback string
	Metadata string
	Values   map[string]string // input id → text, selected option, user or date, or "private" when checked
}

// command writes the command a submitted modal stands for, and the input a
// failure is shown under. Every value is quoted as one word, so nothing a
// person types becomes a flag or a key.
func (sub submission) command() (text, errorBlock, channel string, err error) {
	v := sub.Values
	word := func(s string) commands.Token {
		return commands.Token{Kind: commands.Word, Text: s, Value: s, Quoted: true}
	}
	flag := func(name, val string) commands.Token {
		return commands.Token{Kind: commands.Flag, Name: name, Value: val, HasValue: true}
	}
	key, ch, _ := strings.Cut(sub.Metadata, "|")
	switch sub.Callback {
	case viewDeclare:
		toks := []commands.Token{{Kind: commands.Word, Text: "declare", Value: "declare"}}
		if sev := v[inSeverity]; sev != "" {
			toks = append(toks, commands.Token{Kind: commands.Word, Text: sev, Value: sev})
		}
		toks = append(toks, word(v[inTitle]))
		if x := strings.TrimSpace(v[inService]); x != "" {
			toks = append(toks, flag("service", x))
		}
		if x := strings.TrimSpace(v[inSummary]); x != "" {
			toks = append(toks, flag("summary", x))
		}
		if x := v[inType]; x != "" {
			toks = append(toks, flag("type", x))
		}
		toks = append(toks, fieldTokens(v)...)
		if v[inPrivate] != "" {
			toks = append(toks, commands.Token{Kind: commands.Flag, Name: "private"})
		}
		return commands.Join(toks), inTitle, sub.Metadata, nil
	case viewUpdate, viewResolve:
		if !bot.LooksLikeKey(key) {
			return "", "", "", fmt.Errorf("form %s carries no incident", sub.Callback)
		}
		name, block := "update", inText
		toks := []commands.Token{{Kind: commands.Word, Text: name, Value: name}, {Kind: commands.Key, Value: key}}
		if sub.Callback == viewResolve {
			toks[0] = commands.Token{Kind: commands.Word, Text: "resolve", Value: "resolve"}
			block = inSummary
			if x := strings.TrimSpace(v[inSummary]); x != "" {
				toks = append(toks, word(x))
			}
			toks = append(toks, fieldTokens(v)...)
		} else {
			if st := v[inStatus]; st != "" {
				toks = append(toks, flag("status", st))
			}
			toks = append(toks, word(v[inText]))
		}
		return commands.Join(toks), block, ch, nil
	}
	return "", "", "", fmt.Errorf("unknown form %q", sub.Callback)
}
