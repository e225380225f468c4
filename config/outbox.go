package config

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/engine/outbox"
)

// Outbox is the outbox section: it tunes the worker that delivers every
// outside effect (README.md, "Outbox").
//
//	outbox:
//	  max_failures: 25       # failures before a job may be dead-lettered, 1 to 100000
//	  max_failure_age: 24h   # ... and how long since its first failure, 1m to 720h
//	  lease: 8s              # how long a claim holds a job unless renewed, 1s to 1h
//	  batch: 32              # most jobs one claim takes, 1 to 1000
//	  concurrency: 8         # jobs one target delivers at once, 1 to 1000
//	  lanes: {jira: 2}       # concurrency per target, overriding the above
//
// (max_attempts, read before waits and failures were told apart, is now
// max_failures.)
type Outbox struct {
	MaxFailures   int            `yaml:"max_failures"`    // failures before a job may be dead-lettered
	MaxFailureAge time.Duration  `yaml:"max_failure_age"` // time since the first failure before it may be
	Lease         time.Duration  `yaml:"lease"`           // how long a claim holds a job unless renewed
	Batch         int            `yaml:"batch"`           // most jobs one claim takes
	Concurrency   int            `yaml:"concurrency"`     // jobs one target delivers at once
	Lanes         map[string]int `yaml:"lanes"`           // concurrency per target
}

func (o *Outbox) fill() {
	if o.MaxFailures <= 0 {
		o.MaxFailures = outbox.DefaultMaxFailures
	}
	if o.MaxFailureAge <= 0 {
		o.MaxFailureAge = outbox.DefaultMaxFailureAge
	}
	if o.Lease <= 0 {
		o.Lease = outbox.DefaultLease
	}
	if o.Batch <= 0 {
		o.Batch = outbox.DefaultBatch
	}
	if o.Concurrency <= 0 {
		o.Concurrency = outbox.DefaultConcurrency
	}
}

func (o *Outbox) check() []error {
	var errs []error
	if o.MaxFailures < 1 || o.MaxFailures > 100000 {
		errs = append(errs, fmt.Errorf("outbox.max_failures: %d is not between 1 and 100000", o.MaxFailures))
	}
	if o.MaxFailureAge < time.Minute || o.MaxFailureAge > 720*time.Hour {
		errs = append(errs, fmt.Errorf("outbox.max_failure_age: %s is not between 1m and 720h", formatDuration(o.MaxFailureAge)))
	}
	if o.Batch < 1 || o.Batch > 1000 {
		errs = append(errs, fmt.Errorf("outbox.batch: %d is not between 1 and 1000", o.Batch))
	}
	if o.Lease < time.Second || o.Lease > time.Hour {
		errs = append(errs, fmt.Errorf("outbox.lease: %s is not between 1s and 1h", formatDuration(o.Lease)))
	}
	if o.Concurrency < 1 || o.Concurrency > 1000 {
		errs = append(errs, fmt.Errorf("outbox.concurrency: %d is not between 1 and 1000", o.Concurrency))
	}
	for t, n := range o.Lanes {
		if n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("outbox.lanes.%s: %d is not between 1 and 1000", t, n))
		}
	}
	return errs
}
