package bot

import (
	"strings"
	"testing"
)

// The shortcut for clean titles must answer what the full sanitizer does.
func TestCleanTitleShortcut(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\x7fb", "é", "Bench3 firing on host-1",
		strings.Repeat("x", 50), strings.Repeat("x", 51), strings.Repeat("x ", 25) + "x", "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"} {
		if cleanTitle(s, 50) && sanitizeTitle(s, 50) != s {
			t.Errorf("cleanTitle(%q) but the sanitizer makes it %q", s, sanitizeTitle(s, 50))
		}
		if got, want := SanitizeTitle(s, 50), sanitizeTitle(s, 50); got != want {
			t.Errorf("SanitizeTitle(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCleanTitleShortcut(f *testing.F) {
	for _, s := range []string{"", "abc", "a  b", " a", "x\ty", "é"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 300 {
			return
		}
		if got, want := SanitizeTitle(s, max), sanitizeTitle(s, max); got != want {
			t.Fatalf("SanitizeTitle(%q, %d) = %q, want %q", s, max, got, want)
		}
	})
}
