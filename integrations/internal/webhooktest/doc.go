// Package webhooktest is the test support the monitoring receivers share:
// a recording sink, an injected clock, the real bot.Service on a SQLite
// file in t.TempDir(), and helpers to deliver a body and read the
// incidents it made. Only tests import it.
//
// It imports bot, internal/testkit (which opens the store) and the
// standard library.
package webhooktest
