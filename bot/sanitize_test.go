package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warroom/warroom/bot"
)

func TestSanitizeTitle(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Checkout latency above SLO", "Checkout latency above SLO"},
		{"NUL removed", "db\x00 down", "db down"},
		{"invalid UTF-8 replaced", "bad \xff byte", "bad \uFFFD byte"},
		{"zero-width removed", "pay\u200bments\u200d down\ufeff", "payments down"},
		{"bidi overrides removed", "\u202egnp.exe\u202c file", "gnp.exe file"},
		{"newlines collapsed", "line one\n\nline\ttwo\r\n", "line one line two"},
		{"control chars removed", "bell\a and esc\x1b[31m", "bell and esc[31m"},
		{"mentions kept as text", "<!channel> DB is down", "<!channel> DB is down"},
		{"trimmed", "   spaced   out   ", "spaced out"},
		{"only junk is empty", "\u200b\x00\n\t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.SanitizeTitle(tt.in, bot.MaxTitleLen); got != tt.want {
				t.Errorf("SanitizeTitle(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeTitleCapsOnRuneBoundary(t *testing.T) {
	in := strings.Repeat("é", 100_000)
	got := bot.SanitizeTitle(in, bot.MaxTitleLen)
	if n := utf8.RuneCountInString(got); n != bot.MaxTitleLen || !utf8.ValidString(got) {
		t.Errorf("capped to %d runes (valid %v), want %d", n, utf8.ValidString(got), bot.MaxTitleLen)
	}
	spaced := strings.Repeat("ab ", 1000)
	if got := bot.SanitizeTitle(spaced, 10); utf8.RuneCountInString(got) > 10 || strings.HasSuffix(got, " ") {
		t.Errorf("SanitizeTitle(spaced, 10) = %q", got)
	}
}

func TestSanitizeText(t *testing.T) {
	in := "\n\nfirst line\x00\n\n\n\nsecond\u202e line\r\n"
	if got, want := bot.SanitizeText(in, 100), "first line\n\nsecond line"; got != want {
		t.Errorf("SanitizeText = %q, want %q", got, want)
	}
	if got := bot.SanitizeText(strings.Repeat("x\n", 5000), 50); utf8.RuneCountInString(got) > 50 {
		t.Errorf("SanitizeText not capped: %d runes", utf8.RuneCountInString(got))
	}
}

func FuzzSanitizeTitle(f *testing.F) {
	for _, s := range []string{"", "abc", "\xff\xfe", "a\u202eb", "x\n\ny", strings.Repeat("é ", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := bot.SanitizeTitle(s, 50)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 50 || strings.ContainsAny(got, "\x00\n\r\t\u200b\u202e") {
			t.Fatalf("SanitizeTitle(%q) = %q", s, got)
		}
		if again := bot.SanitizeTitle(got, 50); again != got {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
	})
}
