// Package loadgen is the load generator behind `make bench-peer`
// (scripts/bench-peer.sh, cmd/loadgen): it drives an alert receiver over
// HTTP either open loop (requests at a fixed arrival rate, each latency
// measured from the request's intended send time, so a stalled server shows
// as latency instead of as fewer requests) or closed loop (N senders, each
// sending its next request when the last is answered), builds the same
// alerts as Prometheus Alertmanager's `POST /api/v2/alerts` body or as its
// webhook (version 4) body, reads a server's CPU time from /proc, and
// compares servers run after one another in interleaved pairs.
//
// It is a benchmark tool, not part of the warroom binary. It imports the
// standard library only.
package loadgen
