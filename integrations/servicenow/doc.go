// Package servicenow keeps each incident's ServiceNow incident record in
// step with the incident, through the outbox: it creates (or adopts, by
// correlation_id) the record, keeps short_description, description, impact
// and urgency (never priority: the instance computes it) and state with its
// required fields, and writes status updates and notes as work notes. It
// uses its own small client of the Table API (net/http) with basic auth or
// OAuth (password or client-credentials grant).
//
// It may import the standard library, bot, commands,
// integrations/internal and the Prometheus client; never another integration.
package servicenow
