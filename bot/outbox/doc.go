// Package outbox delivers the effects the domain wrote to the durable
// outbox: it claims due jobs, calls the handler registered for each job's
// kind, and completes, retries (exponential backoff with jitter, honouring a
// retry-after hint) or dead-letters them.
//
// It imports the standard library and bot only; handlers come from the
// integrations and are registered by the application.
package outbox
