package config

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/engine/outbox"
)

// Outbox is the outbox section: it tunes the worker that delivers every
// outside effect.
//
//	outbox:
//	  max_attempts: 10   # attempts before a job is dead-lettered, 1 to 1000
//	  lease: 30s         # how long a claim holds a job, 1s to 1h
//	  batch: 32          # jobs claimed at once, 1 to 1000
type Outbox struct {
	MaxAttempts int           `yaml:"max_attempts"` // attempts before a job is dead-lettered
	Lease       time.Duration `yaml:"lease"`        // how long a claim holds a job
	Batch       int           `yaml:"batch"`        // jobs claimed at once
}

func (o *Outbox) fill() {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = outbox.DefaultMaxAttempts
	}
	if o.Lease <= 0 {
		o.Lease = outbox.DefaultLease
	}
	if o.Batch <= 0 {
		o.Batch = outbox.DefaultBatch
	}
}

func (o *Outbox) check() []error {
	var errs []error
	if o.MaxAttempts < 1 || o.MaxAttempts > 1000 {
		errs = append(errs, fmt.Errorf("outbox.max_attempts: %d is not between 1 and 1000", o.MaxAttempts))
	}
	if o.Batch < 1 || o.Batch > 1000 {
		errs = append(errs, fmt.Errorf("outbox.batch: %d is not between 1 and 1000", o.Batch))
	}
	if o.Lease < time.Second || o.Lease > time.Hour {
		errs = append(errs, fmt.Errorf("outbox.lease: %s is not between 1s and 1h", formatDuration(o.Lease)))
	}
	return errs
}
