// Package outbox is the engine's outbox worker: it claims the due jobs the
// domain wrote to the durable outbox (bot.Job), calls the bot.Handler
// registered for each job's kind, and completes, waits, retries or
// dead-letters them.
//
// Each target ("slack", "pagerduty", "jira", ...) has its own lane: a loop
// that claims only that target's jobs and runs up to its own number at
// once, claiming again as soon as a slot frees, so a hung or slow target
// (or one slow channel or ticket within a target) never holds up another.
// A heartbeat renews the leases of the jobs the worker holds, so the lease
// can be short and a killed replica's jobs are taken over soon.
//
// A wait (bot.Wait: pacing, a rate limit, a held integration) is not a
// failure: the job is due again after the hint, spread so that the jobs of
// one lane do not all wake at once. A failure (any other error, including
// bot.RetryAfter) backs off exponentially with jitter, honouring a hint;
// a job is dead-lettered when both its failures and the time since its
// first failure reach the budget (Config.MaxFailures, Config.MaxFailureAge),
// or at once for bot.Permanent.
//
// It imports the standard library and bot only; handlers come from the
// integrations and are registered by the application (cmd/warroom). No
// integration imports it.
package outbox
