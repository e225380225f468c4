package commands_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// tok is the part of a token the tests compare.
type tok struct {
	Kind     commands.Kind
	Text     string
	Value    string
	Name     string
	HasValue bool
}

func simplify(toks []commands.Token) []tok {
	if len(toks) == 0 {
		return nil
	}
	out := make([]tok, len(toks))
	for i, t := range toks {
		out[i] = tok{Kind: t.Kind, Text: t.Text, Value: t.Value, Name: t.Name, HasValue: t.HasValue}
	}
	return out
}

func word(s string) tok { return tok{Kind: commands.Word, Text: s, Value: s} }

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []tok
	}{
		{"empty", "", nil},
		{"blank", " \t\n ", nil},
		{"words", "ack  now\tplease", []tok{word("ack"), word("now"), word("please")}},
		{"double quotes group", `declare "Checkout is down" now`,
			[]tok{word("declare"), word("Checkout is down"), word("now")}},
		{"single quotes group", `note 'two words'`, []tok{word("note"), word("two words")}},
		{"typographic quotes", "note “two words”", []tok{word("note"), word("two words")}},
		{"escaped quote in double quotes", `"say \"hi\" now"`, []tok{word(`say "hi" now`)}},
		{"escaped backslash", `"a\\b"`, []tok{word(`a\b`)}},
		{"other backslash kept", `"C:\temp"`, []tok{word(`C:\temp`)}},
		{"backslash literal outside quotes", `a\b`, []tok{word(`a\b`)}},
		{"no escapes in single quotes", `'a\'`, []tok{word(`a\`)}},
		{"apostrophe inside a word", "can't login", []tok{word("can't"), word("login")}},
		{"apostrophe at word end", "customers' orders", []tok{word("customers'"), word("orders")}},
		{"empty quotes", `edit summary ""`, []tok{word("edit"), word("summary"), word("")}},
		{"adjacent quoted parts join", `a"b c"`, []tok{word(`a"b`), word(`c"`)}},
		{"quote after equals", `env="prod eu"`, []tok{word("env=prod eu")}},
		{"quote after tilde", `svc=~"pay.*"`, []tok{word("svc=~pay.*")}},
		{"mention", "role commander @alice", []tok{word("role"), word("commander"),
			{Kind: commands.Mention, Text: "@alice", Value: "alice"}}},
		{"mention trailing punctuation", "@bob,", []tok{{Kind: commands.Mention, Text: "@bob,", Value: "bob"}}},
		{"slack mention", "<@U123>", []tok{{Kind: commands.Mention, Text: "<@U123>", Value: "U123"}}},
		{"slack mention with name", "<@U123|alice>", []tok{{Kind: commands.Mention, Text: "<@U123|alice>", Value: "U123", Name: "alice"}}},
		{"discord nickname mention", "<@!42>", []tok{{Kind: commands.Mention, Text: "<@!42>", Value: "42"}}},
		{"role mention is no person", "<@&42>", []tok{word("<@&42>")}},
		{"lone at", "@", []tok{word("@")}},
		{"quoted mention is a word", `"@alice"`, []tok{word("@alice")}},
		{"key", "ack INC-42", []tok{word("ack"), {Kind: commands.Key, Text: "INC-42", Value: "INC-42"}}},
		{"key any case", "inc-007", []tok{{Kind: commands.Key, Text: "inc-007", Value: "INC-7"}}},
		{"key zero is a word", "INC-0", []tok{word("INC-0")}},
		{"key overflow is a word", "INC-99999999999999999999", []tok{word("INC-99999999999999999999")}},
		{"quoted key is a word", `"INC-4"`, []tok{word("INC-4")}},
		{"flag with value", "--service payments", []tok{{Kind: commands.Flag, Text: "--service", Name: "service"}, word("payments")}},
		{"flag equals", "--service=payments", []tok{{Kind: commands.Flag, Text: "--service=payments", Value: "payments", Name: "service", HasValue: true}}},
		{"flag equals quoted", `--summary="Checkout down"`, []tok{{Kind: commands.Flag, Text: "--summary=Checkout down", Value: "Checkout down", Name: "summary", HasValue: true}}},
		{"flag equals empty", "--summary=", []tok{{Kind: commands.Flag, Text: "--summary=", Name: "summary", HasValue: true}}},
		{"boolean flag", "--private", []tok{{Kind: commands.Flag, Text: "--private", Name: "private"}}},
		{"flag name lower-cased", "--Private", []tok{{Kind: commands.Flag, Text: "--Private", Name: "private"}}},
		{"double dash alone", "--", []tok{word("--")}},
		{"bad flag name", "--5", []tok{word("--5")}},
		{"quoted flag is a word", `"--private"`, []tok{word("--private")}},
		{"due date", "due:2026-12-01", []tok{{Kind: commands.Due, Text: "due:2026-12-01", Value: "2026-12-01"}}},
		{"due any case", "Due:tomorrow", []tok{{Kind: commands.Due, Text: "Due:tomorrow", Value: "tomorrow"}}},
		{"due quoted value", `due:"2026-12-01 17:00"`, []tok{{Kind: commands.Due, Text: "due:2026-12-01 17:00", Value: "2026-12-01 17:00"}}},
		{"due empty is a word", "due:", []tok{word("due:")}},
		{"invalid utf-8 replaced", "a\xffb", []tok{word("a\uFFFDb")}},
		{"nul kept for the service", "a\x00b", []tok{word("a\x00b")}},
		{"non-breaking space separates", "a\u00a0b", []tok{word("a"), word("b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := commands.Tokenize(tt.in)
			if err != nil {
				t.Fatalf("Tokenize(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, simplify(got)); diff != "" {
				t.Errorf("Tokenize(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"unclosed double quote", `declare "Checkout is down`, `unbalanced quote " at position 9`},
		{"unclosed single quote", `note 'tis broken`, `unbalanced quote ' at position 6`},
		{"unclosed typographic quote", "note “broken", `unbalanced quote “ at position 6`},
		{"escaped closing quote", `"abc\"`, `unbalanced quote " at position 1`},
		{"position counts characters", `héllo "x`, `unbalanced quote " at position 7`},
		{"too long", strings.Repeat("a", commands.MaxInput+1), "the command is 10001 bytes long; the limit is 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := commands.Tokenize(tt.in)
			if bot.ErrorCode(err) != bot.CodeInvalid {
				t.Fatalf("Tokenize(%q) = %v, want an invalid error", tt.in, err)
			}
			if !strings.Contains(bot.ErrorMessage(err), tt.want) {
				t.Errorf("message %q does not contain %q", bot.ErrorMessage(err), tt.want)
			}
		})
	}
}

func TestTokenizeKeepsSeparators(t *testing.T) {
	got, err := commands.Tokenize("update line one\nline two")
	if err != nil {
		t.Fatal(err)
	}
	if got[3].Sep != "\n" || got[3].Pos != 16 {
		t.Errorf("token %q: Sep %q Pos %d, want newline at 16", got[3].Text, got[3].Sep, got[3].Pos)
	}
}

func TestJoinRoundTrip(t *testing.T) {
	for _, in := range []string{
		`declare sev2 "Checkout is down" --service=payments --private`,
		`a "" "--x" "@y" "INC-3" "due:x" 'it"s' "a\\b"`,
		`--summary="a \"b\" c" due:"next week" <@U1|bob> @bob, INC-07`,
	} {
		first, err := commands.Tokenize(in)
		if err != nil {
			t.Fatalf("Tokenize(%q): %v", in, err)
		}
		joined := commands.Join(first)
		second, err := commands.Tokenize(joined)
		if err != nil {
			t.Fatalf("Tokenize(Join) %q: %v", joined, err)
		}
		if diff := cmp.Diff(semantic(first), semantic(second)); diff != "" {
			t.Errorf("round trip of %q through %q (-first +second):\n%s", in, joined, diff)
		}
	}
}

// semantic is what Join promises to keep.
func semantic(toks []commands.Token) []tok {
	out := simplify(toks)
	for i := range out {
		out[i].Text = ""
		if out[i].Kind == commands.Word {
			out[i].Text = toks[i].Text
		}
	}
	return out
}
