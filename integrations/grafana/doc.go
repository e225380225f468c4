// Package grafana receives Grafana Alerting's webhook contact point at
// POST (or PUT) /webhooks/grafana: the Alertmanager-shaped body plus
// Grafana's orgId, title, state, message and per-alert dashboardURL,
// panelURL, silenceURL, values and valueString. Besides the webhook token,
// when GRAFANA_WEBHOOK_SECRET is set every delivery must carry Grafana's
// HMAC-SHA256 signature of the body (and of the timestamp, when Grafana
// sends one).
//
// It may import the standard library, bot and integrations/internal.
package grafana
