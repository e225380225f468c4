package commands

import (
	"slices"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// args are a command's tokens with its --flags taken out.
type args struct {
	pos   []Token
	flags map[string]Token   // value flags: the value; boolean flags: the flag itself
	multi map[string][]Token // the values of flags given more than once (flagSpec.multi), in order
}

func (a args) has(name string) bool { _, ok := a.flags[name]; return ok }

// value returns a value flag's text and whether it was given.
func (a args) value(name string) (string, bool) {
	t, ok := a.flags[name]
	return t.Text, ok
}

// parseArgs takes c's flags out of its arguments. A command without flags
// keeps every token as an argument (so free text may hold "--"); a command
// with flags rejects unknown ones.
func (c *call) parseArgs() (args, error) {
	out := args{flags: map[string]Token{}, multi: map[string][]Token{}}
	if len(c.cmd.flags) == 0 {
		out.pos = c.args
		return out, nil
	}
	for i := 0; i < len(c.args); i++ {
		t := c.args[i]
		if t.Kind != Flag {
			out.pos = append(out.pos, t)
			continue
		}
		spec, ok := c.cmd.flag(t.Name)
		if !ok {
			return args{}, bot.Errorf(bot.CodeInvalid, "unknown flag --%s; %s takes %s (quote text that starts with --)",
				bot.SanitizeTitle(t.Name, 40), c.cmd.name, c.cmd.flagList())
		}
		if _, dup := out.flags[spec.name]; dup && !slices.Contains(c.cmd.repeats, spec.name) {
			return args{}, bot.Errorf(bot.CodeInvalid, "--%s is given twice", spec.name)
		}
		switch {
		case !spec.value:
			if t.HasValue {
				b, err := strconv.ParseBool(t.Value)
				if err != nil {
					return args{}, bot.Errorf(bot.CodeInvalid, "--%s is on or off: write --%s, or --%s=false", spec.name, spec.name, spec.name)
				}
				if !b {
					continue
				}
			}
			out.flags[spec.name] = t
		case t.HasValue:
			v := Token{Kind: Word, Text: t.Value, Value: t.Value, Quoted: t.Quoted}
			if !t.Quoted {
				v = classify(t.Value, -1)
			}
			out.flags[spec.name] = v
			out.multi[spec.name] = append(out.multi[spec.name], v)
		default:
			if i+1 >= len(c.args) || c.args[i+1].Kind == Flag {
				return args{}, bot.Errorf(bot.CodeInvalid, "--%s needs a value", spec.name)
			}
			i++
			out.flags[spec.name] = c.args[i]
			out.multi[spec.name] = append(out.multi[spec.name], c.args[i])
		}
	}
	return out, nil
}

func (cmd *command) flag(name string) (flagSpec, bool) {
	for _, f := range cmd.flags {
		if f.name == name {
			return f, true
		}
	}
	return flagSpec{}, false
}

func (cmd *command) flagList() string {
	names := make([]string, len(cmd.flags))
	for i, f := range cmd.flags {
		names[i] = "--" + f.name
	}
	return strings.Join(names, ", ")
}

// text renders tokens as free text: words as typed (quotes removed),
// mentions as @name, separated by a space or by the line breaks typed.
func text(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			if n := strings.Count(t.Sep, "\n"); n > 0 {
				b.WriteString(strings.Repeat("\n", min(n, 2)))
			} else {
				b.WriteByte(' ')
			}
		}
		if t.Kind == Mention {
			if t.Name != "" {
				b.WriteString("@" + t.Name)
			} else {
				b.WriteString("@" + t.Value)
			}
			continue
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// broadcast names that are never a person.
var broadcast = map[string]bool{"here": true, "channel": true, "everyone": true}

// user reads a person from a token: @name, <@U123>, a bare name, or @me for
// the person who typed the command.
func (c *call) user(t Token) (string, error) {
	var u string
	switch t.Kind {
	case Mention:
		u = t.Value
	case Word:
		u = t.Text
		if id, _, ok := parseMention(u); ok {
			u = id
		}
	default:
		return "", bot.Errorf(bot.CodeInvalid, "%q is not a person: write @name", bot.SanitizeTitle(t.Text, 40))
	}
	if strings.EqualFold(u, "me") && (t.Kind == Mention || strings.HasPrefix(t.Text, "@")) {
		if strings.TrimSpace(c.req.User) == "" {
			return "", bot.Errorf(bot.CodeInvalid, "@me needs to know who you are; name the person instead, e.g. @alice")
		}
		return c.req.User, nil
	}
	if broadcast[strings.ToLower(u)] {
		return "", bot.Errorf(bot.CodeInvalid, "@%s is not a person: name one, e.g. @alice", strings.ToLower(u))
	}
	if bot.SanitizeTitle(u, bot.MaxNameLen) == "" {
		return "", bot.Errorf(bot.CodeInvalid, "name a person, e.g. @alice")
	}
	return u, nil
}

// noArgs rejects arguments for commands that take none.
func (c *call) noArgs() error {
	if len(c.args) == 0 {
		return nil
	}
	return bot.Errorf(bot.CodeInvalid, "%s takes no arguments, got %q", c.cmd.name, bot.SanitizeTitle(text(c.args), 60))
}

// who renders the actor for a confirmation: " by alice", or "".
func (c *call) who() string {
	u := bot.SanitizeTitle(strings.TrimPrefix(c.actor, "@"), bot.MaxNameLen)
	if u == "" {
		return ""
	}
	return " by " + u
}

// parseNumber reads N of "action done N" and "maintenance end N" (a leading
// # is fine).
func parseNumber(what string, toks []Token) (int64, error) {
	if len(toks) != 1 {
		return 0, bot.Errorf(bot.CodeInvalid, "name one %s by its number", what)
	}
	s := strings.TrimPrefix(toks[0].Text, "#")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 1<<31 {
		return 0, bot.Errorf(bot.CodeInvalid, "%q is not a number: name the %s by its number, e.g. 2", bot.SanitizeTitle(toks[0].Text, 40), what)
	}
	return n, nil
}
