package bot

import "time"

// Handoff is an outbox worker of this process that takes a job as it is
// enqueued, so that no claim of its own need be written: the store writes
// the job already claimed (running, leased to the worker, Attempts 1) in
// the transaction that enqueues it, and hands it over once that
// transaction committed. A process killed in between leaves a claimed job
// whose lease runs out; it is then claimed again like any other (Attempts
// 2), and no other worker takes it while the lease holds.
//
// The store asks for a reservation per job inside the transaction; every
// reservation granted ends in exactly one Deliver (the job was written
// claimed and committed) or one Unreserve (it was not: a pending job with
// its coalesce key took it, an older live job of its order key makes it
// wait, or its transaction rolled back).
type Handoff interface {
	// Reserve takes a delivery slot for j, when j is due, has a handler
	// and its target's lane runs with a slot free and no known backlog;
	// it returns the lease to write j with.
	Reserve(j *Job) (owner string, until time.Time, ok bool)
	// Deliver runs jobs written claimed under reservations, whose
	// transaction committed. It never blocks.
	Deliver(jobs []Job)
	// Unreserve gives back the reservation of a job of target that was
	// not written claimed or not committed. It never blocks.
	Unreserve(target string)
}
