// Package webhook is the receive path every monitoring receiver shares
// (README.md, "Monitoring webhooks"): authentication (the webhook token as
// bearer or basic-auth password, compared in constant time; never from the
// query string), the 1 MiB body limit, the content type, decoding through
// the receiver's own decoder, one call to the domain per delivery, the
// answer, and the inbound health metrics and log lines. A receiver is then
// only its decoder.
//
// A 2xx answer means the delivery is committed: the handler answers only
// after the domain call returned without error.
//
// It may import the standard library, bot, integrations/internal/httpx and
// the Prometheus client; it never imports an integration.
package webhook
