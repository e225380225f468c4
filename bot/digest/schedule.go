package digest

import "time"

// Schedule posts a digest to a channel at every slot of a calendar.
type Schedule struct {
	Name    string // unique; the key of its claimed slots
	Channel string
	// Next returns the first slot strictly after t (a cron schedule with
	// its CRON_TZ, parsed by the wiring).
	Next    func(t time.Time) time.Time
	Options Options // Period, Location, Severities, Sections, Title; End is the slot
	// Platforms are the chat platforms ("slack", "discord") it is posted
	// on; empty: every one. The web console always shows it.
	Platforms []string
}

// PostsOn reports whether a digest of s goes to target.
func (s Schedule) PostsOn(target string) bool {
	if len(s.Platforms) == 0 || target == "console" {
		return true
	}
	for _, p := range s.Platforms {
		if p == target {
			return true
		}
	}
	return false
}
