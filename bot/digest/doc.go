// Package digest builds and renders KPI digests. Build sums a period up
// through the store (bot.KPIReader) into a bot/kpi Report; Markdown and
// Message render it for terminals, files and every chat platform (a PNG
// chart, drawn by a function the wiring injects, rides along as an
// attachment). Schedule describes a digest posted on a calendar; posting
// one (claiming its slot, writing the jobs) is the engine's
// (engine/digests). InsightsOf is the same figures as the JSON of
// GET /api/v1/insights, the console's insights page and `warroom digest
// --format json`; ParseQuery reads their options from a URL query.
//
// It imports bot, bot/kpi and the standard library only.
package digest
