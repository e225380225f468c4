// Package budget is how an integration keeps within an outside service's
// limits and rides out a refusal of its credentials, with the budgets
// shared by every replica (bot.Budgets, kept in the store): a Guard admits
// each call (is the integration held? is the bucket paused? is there a
// pacing slot?), pauses a bucket after a 429 until its Retry-After, holds
// the integration after a 401/403/invalid_auth and lets one call probe it
// with backoff, healing it when the probe gets through. Every "not now"
// is a bot.Wait, never a failure. Memory is an in-process bot.Budgets for
// an integration run without a store (tests, a single process).
//
// It may import the standard library and bot.
package budget
