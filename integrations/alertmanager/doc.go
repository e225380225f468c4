// Package alertmanager receives Prometheus Alertmanager's webhook (version 4)
// at POST /webhooks/alertmanager and turns each delivery into bot.Alerts:
// one per alert of the group, keyed by Alertmanager's fingerprint, grouped by
// Alertmanager's groupKey. Decode is also what `warroom route --dry-run` uses.
//
// It may import the standard library, bot and integrations/internal.
package alertmanager
