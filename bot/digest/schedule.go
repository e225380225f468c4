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
}
