// Package httpx is the small HTTP kit the integrations share: JSON replies and
// errors mapped from bot error codes, strict JSON request decoding, the 1 MiB
// body limit, bearer tokens compared in constant time, request metrics and
// panic recovery.
//
// It may import the standard library, bot and the Prometheus client; it never
// imports an integration.
package httpx
