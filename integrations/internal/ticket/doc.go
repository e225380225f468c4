// Package ticket holds what the ticket-system integrations (Jira,
// ServiceNow) share: their Prometheus metrics, the classification of a
// failed call into an outbox outcome, the hold after a refusal of the
// credentials and the pause after a 429 (over the shared budgets), the
// per-incident locks, the reading of rate-limit hints, and the parts of
// rendering that do not depend on the system's markup. Its subpackage
// tickettest holds the helpers their end to end tests share.
//
// It may import the standard library, bot, integrations/internal/budget
// and the Prometheus client; the integrations import it, never each other.
package ticket
