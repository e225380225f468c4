// Package webhooktest is the test support the monitoring receivers share:
// a recording sink, an injected clock, the real bot.Service on a store the
// test opens in t.TempDir(), and helpers to deliver a body and read the
// incidents it made. Only tests import it.
//
// It imports bot and the standard library; the store is opened by the
// caller (integrations may not import storage), through the func it passes.
package webhooktest
