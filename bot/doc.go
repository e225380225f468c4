// Package bot is warroom's domain: incidents, their status machine, severities
// and SLA targets, roles, the timeline, action items, alerts, audit records,
// platform-neutral messages and the Service that changes them.
//
// It imports the standard library only and does no I/O of its own: storage
// comes in through the Store port (ports.go), time through an injected clock,
// and every outside effect leaves as an outbox job written in the same
// transaction as the change that caused it. jobs.go lists every job there
// is, with the handler contract the integrations deliver them by;
// effects.go says what each change sends out. The engine (engine/*) runs
// the jobs and the timers.
package bot
