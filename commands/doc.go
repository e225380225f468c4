// Package commands is warroom's command language, the same on every platform:
// it tokenizes what a person typed ("/incident ack INC-42"), finds the
// subcommand in one registration table, resolves the incident (an explicit key
// after the subcommand, else the incident of the channel), calls bot.Service
// and answers with a platform-neutral Reply. Help text is generated from the
// same table that routes.
//
// It may import the standard library, bot and bot/* only. Integrations
// (paging, tickets, on-call, digests, postmortems, maintenance windows) come
// in as small capability interfaces; a missing one makes its command answer
// "not configured", never a fake success.
package commands
