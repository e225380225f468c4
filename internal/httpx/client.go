package httpx

import (
	"net"
	"net/http"
)

// ClientAddr is the address a request came from, without port: the
// connection's peer, never a forwarded-for header a client may forge.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
