package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseDuration reads Go durations ("90s", "1h30m") plus days and weeks
// ("3d", "2w", "1d12h"). Negative durations are refused; "0" means no target.
func parseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("invalid duration %q: empty", s)
	}
	if t == "0" {
		return 0, nil
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	var total time.Duration
	for _, unit := range []struct {
		suffix byte
		d      time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		i := strings.IndexByte(t, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.Atoi(t[:i])
		if err != nil || n < 0 || n > 10000 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		total += time.Duration(n) * unit.d
		t = t[i+1:]
	}
	if t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("invalid duration %q (e.g. 90s, 15m, 4h, 3d)", s)
		}
		total += d
	}
	return total, nil
}

// formatDuration writes a duration the way parseDuration reads it, short:
// 5m, 4h, 1h30m, 3d, 14d.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	day := 24 * time.Hour
	var out string
	if d >= day {
		out = strconv.FormatInt(int64(d/day), 10) + "d"
		d %= day
		if d == 0 {
			return out
		}
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return out + s
}
