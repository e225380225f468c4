package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// idsByRegexp is the definition idsInText follows.
var idsByRegexp = regexp.MustCompile(`@?\b(?:[UW][A-Z0-9]{2,20}|[0-9]{15,20})\b`)

func regexpIDs(s string) [][2]int {
	var out [][2]int
	for _, l := range idsByRegexp.FindAllStringIndex(s, -1) {
		out = append(out, [2]int{l[0], l[1]})
	}
	return out
}

// TestIDsInText: the hand-written scanner finds what the regular
// expression finds.
func TestIDsInText(t *testing.T) {
	for _, s := range []string{
		"", "U", "U1", "U12", "@U12", "u123", "UA", "W0AB", "X123",
		"Declared by U012ABCDEF in #incidents", "<@U012ABCDEF> and @W99 and U12_",
		"U" + strings.Repeat("A", 20), "U" + strings.Repeat("A", 21),
		"123456789012345", "12345678901234", "12345678901234567890", "123456789012345678901",
		"@123456789012345678.", "@@U123", "a@U123", "aU123", "U123a", "U12é3 éU123 U123é",
		"Ub23", "UAB-CD", "(U123)", "U123\nW456\tU789", "\xffU123\xff", "__U123", "U12 U34 @U56@U78",
		"Checkout latency above SLO", "INC-42 sev1 ^U123 <@!123456789012345678>",
	} {
		if got, want := idsInText(s), regexpIDs(s); !slices.Equal(got, want) {
			t.Errorf("idsInText(%q) = %v, the regular expression finds %v", s, got, want)
		}
	}
}

func FuzzIDsInText(f *testing.F) {
	for _, s := range []string{"Declared by U012ABCDEF", "<@123456789012345678> @W1X", "é@U12_ U34"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := idsInText(s), regexpIDs(s); !slices.Equal(got, want) {
			t.Errorf("idsInText(%q) = %v, the regular expression finds %v", s, got, want)
		}
	})
}

// BenchmarkIDsInText compares the scanner with the regular expression on
// a card's text.
//
//	go test -run '^$' -bench IDsInText ./bot/
func BenchmarkIDsInText(b *testing.B) {
	const text = "Checkout latency above SLO: declared by U012ABCDEF, commander <@W0123ABC>; see INC-42 and the runbook at https://example.com/runbooks/checkout"
	b.Run("scanner", func(b *testing.B) {
		for b.Loop() {
			_ = idsInText(text)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			_ = idsByRegexp.FindAllStringIndex(text, -1)
		}
	})
}
