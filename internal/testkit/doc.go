// Package testkit is warroom's one test kit: a clock the test moves by
// hand, polling with a deadline, golden files behind one -update flag, a
// log buffer safe for concurrent writers, an outbox drain, and a ready
// bot.Service on a SQLite file in the test's temporary directory.
//
// It may import bot, bot/*, engine/*, storage/sqlite, commands, internal/*,
// third-party modules and the standard library (testing included). Only
// test files and the fake packages named *test (slacktest, storetest,
// tickettest, webhooktest) import it; cmd/depcheck keeps that true. The
// packages it imports cannot use it from their own internal (package x)
// tests, only from external (package x_test) ones.
package testkit
