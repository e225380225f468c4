package discord

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// errNotOurs is a command or component that is not warroom's.
var errNotOurs = errors.New("not a warroom command")

// commandText writes an application command's options back into the
// command text the Router reads, each value quoted as one word so that
// nothing a person types becomes a flag or a key.
func commandText(data discordgo.ApplicationCommandInteractionData) (string, error) {
	switch data.Name {
	case cmdOncall:
		return writeText(oncallCommand, data.Options)
	case cmdIncident:
		return subcommandText(data, nil, incidentCommands)
	case cmdProblem:
		return subcommandText(data, []string{cmdProblem}, problemCommands)
	}
	return "", errNotOurs
}

// subcommandText finds the subcommand (or group and subcommand) of a
// chat command among subs, whose words start with prefix, and writes it.
func subcommandText(data discordgo.ApplicationCommandInteractionData, prefix []string, subs []subcommand) (string, error) {
	if len(data.Options) != 1 {
		return "", fmt.Errorf("/%s without a subcommand", data.Name)
	}
	words := append(slices.Clone(prefix), data.Options[0].Name)
	opts := data.Options[0].Options
	if data.Options[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup {
		if len(opts) != 1 {
			return "", fmt.Errorf("/%s %s without a subcommand", data.Name, data.Options[0].Name)
		}
		words = append(words, opts[0].Name)
		opts = opts[0].Options
	}
	for _, sc := range subs {
		if slices.Equal(sc.words, words) {
			return writeText(sc, opts)
		}
	}
	return "", fmt.Errorf("unknown subcommand /%s %s", data.Name, strings.Join(words[len(prefix):], " "))
}

// writeText writes a subcommand with the values given, in the order its
// options are declared.
func writeText(sc subcommand, given []*discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	vals := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range given {
		vals[o.Name] = o
	}
	var toks []commands.Token
	for _, w := range sc.words {
		toks = append(toks, commands.Token{Kind: commands.Word, Text: w, Value: w})
	}
	var flags []commands.Token
	for _, spec := range sc.opts {
		o := vals[spec.name]
		if o == nil {
			continue
		}
		v := optionString(o)
		switch spec.kind {
		case optKey:
			k := strings.ToUpper(strings.TrimSpace(v))
			if !bot.LooksLikeKey(k) {
				return "", bot.Errorf(bot.CodeInvalid, "%q is not an incident key like INC-42", bot.SanitizeTitle(v, 40))
			}
			toks = append(toks[:len(sc.words)], append([]commands.Token{{Kind: commands.Key, Value: k}}, toks[len(sc.words):]...)...)
		case optWord:
			toks = append(toks, commands.Token{Kind: commands.Word, Text: v, Value: v})
		case optIncident:
			k := strings.ToUpper(strings.TrimSpace(v))
			if !bot.LooksLikeKey(k) {
				return "", bot.Errorf(bot.CodeInvalid, "%q is not an incident key like INC-42", bot.SanitizeTitle(v, 40))
			}
			toks = append(toks, commands.Token{Kind: commands.Key, Text: k, Value: k})
		case optText:
			if strings.TrimSpace(v) != "" {
				toks = append(toks, commands.Token{Kind: commands.Word, Text: v, Value: v, Quoted: true})
			}
		case optFlag:
			if strings.TrimSpace(v) != "" {
				flags = append(flags, commands.Token{Kind: commands.Flag, Name: spec.name, Value: v, HasValue: true})
			}
		case optBool:
			if b, ok := o.Value.(bool); ok && b {
				flags = append(flags, commands.Token{Kind: commands.Flag, Name: spec.name})
			}
		case optUser:
			if userID.MatchString(v) {
				toks = append(toks, commands.Token{Kind: commands.Mention, Value: v})
			}
		case optUserArg:
			if userID.MatchString(v) {
				flags = append(flags, commands.Token{Kind: commands.Flag, Name: spec.name, Value: "<@" + v + ">", HasValue: true})
			}
		case optDue:
			if strings.TrimSpace(v) != "" {
				toks = append(toks, commands.Token{Kind: commands.Due, Value: v})
			}
		}
	}
	return commands.Join(append(toks, flags...)), nil
}

// optionString is an option's value as text.
func optionString(o *discordgo.ApplicationCommandInteractionDataOption) string {
	switch v := o.Value.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}
