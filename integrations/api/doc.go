// Package api is warroom's JSON API for scripts and CI/CD (README.md,
// "JSON API"): commands in the same words as chat, declaring, listing and
// reading incidents with their timeline, action items and audit records.
// Every route needs the bearer token WARROOM_API_TOKEN, compared in
// constant time; with no token configured the API refuses every request.
//
// It may import the standard library, bot, commands and integrations/internal.
package api
