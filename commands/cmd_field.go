package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/warroom/warroom/bot"
)

// runField: field [NAME VALUE]. VALUE "" clears the field; with no
// arguments the reply lists the configured fields and the incident's values.
func runField(ctx context.Context, r *Router, c *call) (Reply, error) {
	defs := r.svc.Fields()
	if len(c.args) == 0 {
		if len(defs) == 0 {
			return Reply{Text: "No custom fields are configured.", Ephemeral: true}, nil
		}
		lines := []string{"Fields of " + c.inc.Key() + ":"}
		for _, f := range defs {
			lines = append(lines, fmt.Sprintf("• %s: %s", describeFieldDef(f), fieldOrDash(c.inc.Fields[f.Name])))
		}
		return Reply{Text: strings.Join(lines, "\n"), Ephemeral: true}, nil
	}
	if len(c.args) == 1 {
		return Reply{}, bot.Errorf(bot.CodeInvalid, "give the value of %s (\"\" clears it)", bot.SanitizeTitle(c.args[0].Text, 40))
	}
	value := text(c.args[1:])
	if len(c.args) == 2 && c.args[1].Kind == Mention {
		u, err := c.user(c.args[1]) // @me is the caller
		if err != nil {
			return Reply{}, err
		}
		value = u
	}
	inc, err := r.svc.SetCustomField(ctx, c.inc.Number, c.actor, c.args[0].Text, value)
	if err != nil {
		return Reply{}, err
	}
	name := strings.ToLower(c.args[0].Text)
	if v := inc.Fields[name]; v != "" {
		return changed(inc, "Set %s of %s to %s%s.", name, inc.Key(), v, c.who()), nil
	}
	return changed(inc, "Cleared %s of %s%s.", name, inc.Key(), c.who()), nil
}

// describeFieldDef names a field, its kind and when it is required:
// customer (select: none, some, all; required to resolve).
func describeFieldDef(f bot.FieldDef) string {
	kind := string(f.Kind)
	if f.Kind == bot.KindSelect {
		kind += ": " + strings.Join(f.Options, ", ")
	}
	if f.Required != bot.StageNone {
		kind += "; required to " + string(f.Required)
	}
	return fmt.Sprintf("%s (%s)", f.Name, kind)
}

func fieldOrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// declareFields reads declare's --field NAME=VALUE flags.
func declareFields(a args) (map[string]string, error) {
	return fieldValues(a.multi["field"])
}

// fieldFlags takes the --field NAME=VALUE flags out of the free text of a
// command without flags of its own (resolve SUMMARY): the rest is the text.
func fieldFlags(toks []Token) (rest []Token, fields map[string]string, err error) {
	var vals []Token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != Flag || t.Name != "field" {
			rest = append(rest, t)
			continue
		}
		switch {
		case t.HasValue:
			vals = append(vals, Token{Kind: Word, Text: t.Value, Value: t.Value})
		case i+1 < len(toks) && toks[i+1].Kind != Flag:
			i++
			vals = append(vals, toks[i])
		default:
			return nil, nil, bot.Errorf(bot.CodeInvalid, "--field needs NAME=VALUE")
		}
	}
	fields, err = fieldValues(vals)
	return rest, fields, err
}

// fieldValues reads NAME=VALUE tokens.
func fieldValues(toks []Token) (map[string]string, error) {
	var out map[string]string
	for _, t := range toks {
		name, value, ok := strings.Cut(t.Text, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, bot.Errorf(bot.CodeInvalid, "--field takes NAME=VALUE, e.g. --field customer_impact=some")
		}
		if out == nil {
			out = map[string]string{}
		}
		if _, dup := out[strings.ToLower(name)]; dup {
			return nil, bot.Errorf(bot.CodeInvalid, "--field %s is given twice", bot.SanitizeTitle(name, 40))
		}
		out[strings.ToLower(name)] = value
	}
	return out, nil
}
