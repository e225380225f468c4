// Package digest builds KPI digests and posts them on schedule. Build sums
// a period up through the store (bot.KPIReader) into a bot/kpi Report;
// Markdown and Message render it for terminals, files and every chat
// platform (a PNG chart, drawn by a function the wiring injects, rides
// along as an attachment). Runner posts each schedule slot exactly once:
// the slot is claimed by a row in the database in the same transaction
// that writes the outbox jobs, so a restart or a second replica never
// posts twice, and a slot missed while down is posted once on start.
//
// It imports bot, bot/kpi and the standard library only.
package digest
