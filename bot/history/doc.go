// Package history exports incident history as CSV or JSON and imports it
// back: the rows of `warroom export` and `warroom import` (README.md,
// "Export and import").
//
// An export row is an incident with its computed KPI columns (times to
// detect, acknowledge and resolve, SLA outcomes, maintenance); an import
// reads the same columns, ignores the computed ones, and checks every row
// before it writes any: a file with one wrong row imports nothing. Both
// stream: neither holds all incidents in memory. CSV cells that a
// spreadsheet would run as a formula are defused on export and restored
// on import.
//
// The store is reached through ExportStore and ImportStore. It imports
// bot, bot/kpi and the standard library only.
package history
