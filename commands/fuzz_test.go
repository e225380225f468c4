package commands_test

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// FuzzTokenize checks that the tokenizer never panics, fails only with an
// invalid error, keeps positions in order, and that Join renders tokens that
// tokenize back to the same tokens.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", "/incident ack INC-42", `declare sev2 "Checkout is down" --service payments --private`,
		`update --status=identified "DB \"primary\" failed over"`, "role commander <@U123|alice>",
		"action add Fix disk alerts @bob due:2026-12-01 --kind preventive", `note 'single' “curly”`,
		`maintenance start 2h service=payments env=~"prod.*"`, "can't log in", `"unbalanced`,
		"a\x00b\xff", "due:\"x y\"", "--x=\"\"", "@me @here <@!1> <@&2> @,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		toks, err := commands.Tokenize(in)
		if err != nil {
			var be *bot.Error
			if !errors.As(err, &be) || be.Code != bot.CodeInvalid {
				t.Fatalf("Tokenize(%q) error %v is not an invalid *bot.Error", in, err)
			}
			return
		}
		last := -1
		for _, tk := range toks {
			if tk.Pos <= last || tk.Pos >= len(in)+len(in)*2 {
				t.Fatalf("Tokenize(%q): position %d after %d", in, tk.Pos, last)
			}
			last = tk.Pos
			if !utf8.ValidString(tk.Text) || !utf8.ValidString(tk.Value) {
				t.Fatalf("Tokenize(%q): token %q is not valid UTF-8", in, tk.Text)
			}
			if tk.Kind == commands.Mention && tk.Value == "" || tk.Kind == commands.Due && tk.Value == "" {
				t.Fatalf("Tokenize(%q): empty %s", in, tk.Kind)
			}
		}
		joined := commands.Join(toks)
		again, err := commands.Tokenize(joined)
		if err != nil {
			if len(joined) > commands.MaxInput {
				return // quoting made it longer than the limit
			}
			t.Fatalf("Tokenize(Join(Tokenize(%q))) = Tokenize(%q): %v", in, joined, err)
		}
		if a, b := semantic(toks), semantic(again); !slices.Equal(a, b) {
			diff := cmp.Diff(a, b)
			t.Fatalf("Join(Tokenize(%q)) = %q reads differently (-first +second):\n%s", in, joined, diff)
		}
		if j2 := commands.Join(again); j2 != joined {
			t.Fatalf("Join is not stable: %q then %q", joined, j2)
		}
	})
}

// FuzzDispatch runs arbitrary text as a command against a real Service:
// it never panics, and every error is a coded *bot.Error.
func FuzzDispatch(f *testing.F) {
	for _, s := range []string{
		"declare sev2 Checkout down --service payments", "ack INC-1", "status INC-1 identified",
		"update INC-1 --status=monitoring Recovering", "role INC-1 commander @me", "action add INC-1 x due:+1d @bob",
		"action done INC-1 1", "time INC-1 started 11:00", "edit INC-1 title New", "list --all", "show INC-1",
		"timeline INC-1", "resolve INC-1 ok", "reopen INC-1", "close INC-1", "help action", "maint start 1h a=~b",
		"page INC-1 @x", "INC-1", "/oncall", `"unbalanced`, "sev INC-1 9",
	} {
		f.Add(s)
	}
	e := newEnv(f, commands.Config{})
	f.Fuzz(func(t *testing.T, text string) {
		_, err := e.r.Dispatch(t.Context(), commands.Request{Text: text, User: "fuzz", Platform: "console", Channel: "C1"})
		if err == nil {
			return
		}
		var be *bot.Error
		if !errors.As(err, &be) || be.Msg == "" {
			t.Fatalf("Dispatch(%q) error %#v is not a coded *bot.Error", text, err)
		}
		if be.Code == bot.CodeInternal {
			t.Fatalf("Dispatch(%q): internal error %v", text, err)
		}
	})
}
