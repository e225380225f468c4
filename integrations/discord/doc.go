// Package discord makes a Discord server the home of an incident, as fully
// as Slack: it answers application commands (/incident, /oncall and the
// message command "Add to timeline"), button clicks and modal submissions
// on the HTTP interactions endpoint (Ed25519-signed, no gateway, so any
// number of replicas can serve it), and it is a chat target of the outbox:
// its handlers (discord.open, discord.card, discord.post, discord.announce,
// discord.digest) open the incident's room (a forum post tagged with the
// status and severity, or a thread), add the people, post the card as an
// embed with buttons, edit it and the announcement in place, and post
// updates, summaries, postmortem drafts and digests.
//
// Every command goes through commands.Router: a slash command's options
// are written back into the command text the console and Slack speak.
// Rendering (bot.Message → embed and buttons) is a pure function with
// golden tests; every message carries allowed_mentions that let through
// only the mentions warroom means.
//
// It may import the standard library, bot, commands, internal/httpx,
// github.com/bwmarrin/discordgo and golang.org/x/time.
package discord
