package bot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/warroom/warroom/bot"
)

func TestTransitionTable(t *testing.T) {
	type move struct{ from, to bot.Status }
	allowed := map[move]bool{}
	order := bot.Statuses
	for i, from := range order[:len(order)-1] { // nothing leaves closed
		for _, to := range order[i+1:] {
			allowed[move{from, to}] = true // every forward jump
		}
	}
	allowed[move{bot.StatusResolved, bot.StatusInvestigating}] = true // reopen
	for _, from := range order {
		for _, to := range order {
			if got, want := bot.CanMove(from, to), allowed[move{from, to}]; got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	if bot.CanMove("bogus", bot.StatusResolved) || bot.CanMove(bot.StatusTriggered, "bogus") {
		t.Error("unknown statuses must never move")
	}
}

func TestAllowedMoves(t *testing.T) {
	got := bot.AllowedMoves(bot.StatusResolved)
	want := []bot.Status{bot.StatusInvestigating, bot.StatusClosed}
	if !slices.Equal(got, want) {
		t.Errorf("AllowedMoves(resolved) = %v, want %v", got, want)
	}
	if got := bot.AllowedMoves(bot.StatusClosed); len(got) != 0 {
		t.Errorf("closed is final, got %v", got)
	}
}

func TestStatusPredicates(t *testing.T) {
	for _, s := range bot.Statuses {
		wantOpen := s != bot.StatusResolved && s != bot.StatusClosed
		if s.Open() != wantOpen {
			t.Errorf("%s.Open() = %v", s, s.Open())
		}
		if s.Acknowledged() != (s != bot.StatusTriggered) {
			t.Errorf("%s.Acknowledged() = %v", s, s.Acknowledged())
		}
	}
}

func TestParseStatus(t *testing.T) {
	if s, err := bot.ParseStatus(" Monitoring "); err != nil || s != bot.StatusMonitoring {
		t.Errorf("ParseStatus = %q, %v", s, err)
	}
	_, err := bot.ParseStatus("fixed")
	if bot.ErrorCode(err) != bot.CodeInvalid || !strings.Contains(err.Error(), "investigating") {
		t.Errorf("ParseStatus(fixed) error = %v; want invalid listing the statuses", err)
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]bot.Severity{"sev1": 1, "SEV2": 2, "3": 3, "s4": 4, " Sev1 ": 1} {
		if got, err := bot.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"sev9", "0", "sev", "", "high", "sev-1"} {
		if _, err := bot.ParseSeverity(in); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseSeverity(%q) error = %v, want invalid", in, err)
		}
	}
	if !bot.SEV1.AtLeast(bot.SEV2) || bot.SEV3.AtLeast(bot.SEV2) || !bot.SEV2.AtLeast(bot.SEV2) {
		t.Error("AtLeast ranks SEV1 above SEV2 above SEV3")
	}
}

func TestDefaultSLAs(t *testing.T) {
	d := bot.DefaultSLAs()
	if d[bot.SEV1].Acknowledge.Minutes() != 5 || d[bot.SEV1].Resolve.Hours() != 4 ||
		d[bot.SEV2].Acknowledge.Minutes() != 15 || d[bot.SEV2].Resolve.Hours() != 8 ||
		d[bot.SEV3].Acknowledge.Hours() != 1 || d[bot.SEV3].Resolve.Hours() != 72 ||
		d[bot.SEV4].Acknowledge.Hours() != 24 || d[bot.SEV4].Resolve.Hours() != 14*24 {
		t.Errorf("DefaultSLAs = %+v, want SEV1 5m/4h, SEV2 15m/8h, SEV3 1h/3d, SEV4 1d/14d", d)
	}
}

func TestKeys(t *testing.T) {
	for in, want := range map[string]int64{"INC-42": 42, "inc-7": 7, "12": 12} {
		if n, err := bot.ParseKey(in); err != nil || n != want {
			t.Errorf("ParseKey(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"INC-", "INC-0", "INC--3", "INC-x", "", "INC-99999999999999999999"} {
		if _, err := bot.ParseKey(in); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseKey(%q) error = %v, want invalid", in, err)
		}
	}
	if bot.FormatKey(42) != "INC-42" || !bot.LooksLikeKey("inc-42") || bot.LooksLikeKey("INCIDENT") {
		t.Error("FormatKey/LooksLikeKey")
	}
}
