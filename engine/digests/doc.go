// Package digests is the engine's digest runner: it posts each scheduled
// digest (bot/digest.Schedule) exactly once per slot, and digests asked
// for on request (Command, the /incident digest capability). The slot is
// claimed by a row in the database in the same transaction that writes
// the outbox jobs (bot.EffectDigest), so a restart or a second replica
// never posts twice, and a slot missed while down is posted once on start.
// Building and rendering a digest is bot/digest's.
//
// It imports bot, bot/* and the standard library; no integration imports
// it.
package digests
