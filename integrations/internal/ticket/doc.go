// Package ticket holds what the ticket-system integrations (Jira,
// ServiceNow) share: their Prometheus metrics, the classification of a
// failed call into an outbox outcome, the stop-at-first-refusal latch, the
// per-incident locks, the reading of rate-limit hints, and the parts of
// rendering that do not depend on the system's markup. Its subpackage
// tickettest holds the helpers their end to end tests share.
//
// It may import the standard library, bot and the Prometheus
// client; the integrations import it, never each other.
package ticket
