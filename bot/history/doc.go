// Package history moves incident history in and out of warroom (README.md,
// "Export and import"):
//
//   - rows (export.go, import.go, row.go, format.go): one row per incident
//     with its computed KPI columns, as CSV or typed JSON, for spreadsheets
//     and scripts, and the import of such rows from any tool. An import
//     reads the same columns, ignores the computed ones, and checks every
//     row before it writes any: a file with one wrong row imports nothing.
//     CSV cells that a spreadsheet would run as a formula are defused on
//     export and restored on import.
//   - the audit (audit.go): the audit records since a date, as CSV or JSON.
//   - the bundle (bundle.go, bundle_sections.go): the whole history as
//     JSON lines, read from one snapshot (bot.HistoryReader) and written in
//     one transaction into an empty database (bot.HistoryWriter), ids and
//     keys kept, so that export → import → export gives the same bytes.
//
// Everything streams: no export or import holds all incidents in memory.
// Times are written with their full precision (FormatTime).
//
// # A bundle's sections
//
// A bundle is a header line, then one line per row keyed by its section,
// section by section in the order of the sections table, then an end line
// counting the rows of each section (which catches a truncated file). A
// row may refer only to rows of earlier sections, so one pass checks every
// reference; ImportBundle reads the bundle twice, checking only, then
// checking and writing.
//
// To add a section (a new kind of record, say problems):
//
//  1. bot/history_ports.go: add EachProblem to bot.HistoryReader and
//     PutProblem to bot.HistoryWriter; implement both in
//     storage/internal/sqlstore/history.go (a query ordered by id, an
//     INSERT that keeps the id) and add the table to historyTables there,
//     so that an import refuses a database that holds such rows and moves
//     its id sequence.
//  2. bundle_sections.go: a check function (ids through checker.add,
//     references through checker.ref) and one newSection line in
//     sections, after every section its rows refer to and before those
//     that refer to it.
//  3. bundle_test.go: make generateHistory create such records (through
//     the Service, with sub-second times) and list what must show in
//     checkBundleCoversEverySection; fuzz_test.go: a Put method on the
//     sink and a row in smallBundle. TestBundleCarriesEveryTable fails
//     for a new table until it has a section or is named in leftOut (a
//     table a bundle leaves out on purpose, which README.md names too),
//     and TestGeneratedHistoryFillsEveryField until every field of the
//     row type is set by the generator.
//
// A new field of a record that already has a section (Incident.Type, say)
// needs nothing here: rows are the bot types' JSON, and the store writes
// them with the columns it writes anyway. The round-trip tests fail if a
// field is lost on the way.
//
// BundleVersion changes only when an older warroom would read a bundle
// wrongly (a field whose meaning changed); a new section or field does not
// change it, since an older warroom refuses unknown sections and fields.
//
// The store is reached through the ports in bot (ExportStore, ImportStore,
// bot.BundleStore). It imports bot, bot/kpi and the standard library only.
package history
