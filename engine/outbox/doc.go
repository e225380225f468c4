// Package outbox is the engine's outbox worker: it claims the due jobs the
// domain wrote to the durable outbox (bot.Job), calls the bot.Handler
// registered for each job's kind, and completes, retries (exponential
// backoff with jitter, honouring a bot.RetryAfter hint) or dead-letters
// them (bot.Permanent, or out of attempts).
//
// It imports the standard library and bot only; handlers come from the
// integrations and are registered by the application (cmd/warroom). No
// integration imports it.
package outbox
