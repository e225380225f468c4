package config

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/engine/schedule"
)

// Retention is the retention section: how long the janitor keeps what is
// needed only for a while (README.md, "Outbox").
//
//	retention:
//	  seen: 720h        # inbound delivery ids, 1h to 87600h
//	  dead_jobs: 720h   # dead-lettered jobs, from when they died
//	  timers: 168h      # fired or canceled escalation and reminder timers
type Retention struct {
	Seen     time.Duration `yaml:"seen"`
	DeadJobs time.Duration `yaml:"dead_jobs"`
	Timers   time.Duration `yaml:"timers"`
}

func (r *Retention) fill() {
	if r.Seen <= 0 {
		r.Seen = schedule.DefaultRetainSeen
	}
	if r.DeadJobs <= 0 {
		r.DeadJobs = schedule.DefaultRetainDeadJobs
	}
	if r.Timers <= 0 {
		r.Timers = schedule.DefaultRetainTimers
	}
}

func (r *Retention) check() []error {
	var errs []error
	for _, f := range []struct {
		key string
		d   time.Duration
	}{{"seen", r.Seen}, {"dead_jobs", r.DeadJobs}, {"timers", r.Timers}} {
		if f.d < time.Hour || f.d > 87600*time.Hour {
			errs = append(errs, fmt.Errorf("retention.%s: %s is not between 1h and 87600h", f.key, formatDuration(f.d)))
		}
	}
	return errs
}
