package commands_test

import (
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/commands"
)

// now is a Sunday, 2026-11-22 12:00 UTC.
var now = t0

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, time.UTC) }

func TestParseDue(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-12-01", day(2026, 12, 1)},
		{"2026-11-22", day(2026, 11, 22)},
		{"today", day(2026, 11, 22)},
		{"tomorrow", day(2026, 11, 23)},
		{"Tomorrow", day(2026, 11, 23)},
		{"+3d", day(2026, 11, 25)},
		{"3d", day(2026, 11, 25)},
		{"2w", day(2026, 12, 6)},
		{"+12h", now.Add(12 * time.Hour)},
		{"friday", day(2026, 11, 27)},
		{"sun", day(2026, 11, 22)},
		{"mon", day(2026, 11, 23)},
		{"2026-12-01T17:00Z", time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)},
		{"2026-12-01t17:00z", time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)},
		{"2026-12-01T17:00:00+02:00", time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)},
		{"2026-12-01T17:00", time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := commands.ParseDue(tt.in, now)
			if err != nil {
				t.Fatalf("ParseDue(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDue(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "someday", "2026-13-01", "2026-02-30", "+", "+3", "3x", "2020-01-01", "yesterday", "2026-11-22T11:00Z", "9999d", "2040-01-01"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := commands.ParseDue(bad, now); bot.ErrorCode(err) != bot.CodeInvalid {
				t.Errorf("ParseDue(%q) = %v, want an invalid error", bad, err)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{"NOW", now},
		{"none", time.Time{}},
		{"2026-11-22T10:05Z", time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)},
		{"2026-11-22T10:05:30Z", time.Date(2026, 11, 22, 10, 5, 30, 0, time.UTC)},
		{"2026-11-22T10:05:30.5-01:00", time.Date(2026, 11, 22, 11, 5, 30, 5e8, time.UTC)},
		{"2026-11-22T10:05", time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)},
		{"10:05", time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)},
		{"10:05:07", time.Date(2026, 11, 22, 10, 5, 7, 0, time.UTC)},
		{"10:05Z", time.Date(2026, 11, 22, 10, 5, 0, 0, time.UTC)},
		{"12:01", time.Date(2026, 11, 22, 12, 1, 0, 0, time.UTC)},
		{"23:50", time.Date(2026, 11, 21, 23, 50, 0, 0, time.UTC)}, // still ahead today: yesterday
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := commands.ParseTime(tt.in, now)
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "soon", "25:00", "10:61", "2026-11-22", "10", "-1:00"} {
		if _, err := commands.ParseTime(bad, now); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseTime(%q) = %v, want an invalid error", bad, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := map[string]time.Duration{
		"30m": 30 * time.Minute, "2h": 2 * time.Hour, "1h30m": 90 * time.Minute, "7d": 7 * 24 * time.Hour,
		"2w": 14 * 24 * time.Hour, "1d12h": 36 * time.Hour, "90S": 90 * time.Second,
	}
	for in, want := range tests {
		if got, err := commands.ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "7", "d", "1y", "1.5h", "-1h", "1h 30m", "9999999d", "100000w"} {
		if _, err := commands.ParseDuration(bad); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseDuration(%q) = %v, want an invalid error", bad, err)
		}
	}
}

func TestParseMatcher(t *testing.T) {
	tests := map[string]commands.Matcher{
		"service=payments":  {Name: "service", Op: "=", Value: "payments"},
		"env!=dev":          {Name: "env", Op: "!=", Value: "dev"},
		"alertname=~Disk.*": {Name: "alertname", Op: "=~", Value: "Disk.*"},
		"team!~ops|sre":     {Name: "team", Op: "!~", Value: "ops|sre"},
		"a=":                {Name: "a", Op: "=", Value: ""},
		"a==b":              {Name: "a", Op: "=", Value: "=b"},
	}
	for in, want := range tests {
		if got, err := commands.ParseMatcher(in); err != nil || !got.Equal(want) {
			t.Errorf("ParseMatcher(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "payments", "=x", "1a=b", "a-b=c", "a!b", "a=~[", "a~b"} {
		if _, err := commands.ParseMatcher(bad); bot.ErrorCode(err) != bot.CodeInvalid {
			t.Errorf("ParseMatcher(%q) = %v, want an invalid error", bad, err)
		}
	}
}
