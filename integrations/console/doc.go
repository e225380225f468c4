// Package console is warroom's built-in web console at "/": a page that
// looks and feels like a chat channel, where a person types the same commands
// as in Slack and sees the bot's replies and the incident cards it posts,
// edited in place as incidents change; an incident list (filters, sorting,
// paging) and an incident page with roles, action items and timeline, both
// live through server-sent events; and the insights page (KPI tiles, charts
// drawn by the vendored uPlot, CSV) over the digests' computation.
//
// The console is also a chat target of its own: its outbox handlers
// (console.open, console.card, console.post) keep the messages of the
// announcement channel and of one channel per incident in the store, and the
// browser polls for them. Pages are server-rendered with html/template from
// embedded files; a little vanilla JavaScript does the rest, with no build
// step and nothing fetched from elsewhere.
//
// On loopback it is open; when it listens on another address it requires the
// API token through a login form that sets a cookie. Browser POSTs are
// checked against cross-origin requests.
//
// It may import the standard library, bot, bot/digest, bot/kpi, commands,
// integrations/internal and goldmark (markdown to HTML).
package console
