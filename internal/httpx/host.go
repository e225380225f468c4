package httpx

import (
	"net"
	"net/netip"
	"strings"
)

// LocalHost reports whether host, a request's Host header with or without a
// port, names this machine's loopback interface ("localhost", a name under
// ".localhost", 127.0.0.0/8 or ::1) or equals one of extra (host names,
// compared without port and case). A server that listens on loopback only
// refuses every other Host, so a web page that rebinds its own DNS name to
// 127.0.0.1 cannot talk to it through the browser.
func LocalHost(host string, extra ...string) bool {
	name := hostName(host)
	if name == "" {
		return false
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(name); err == nil && ip.Unmap().IsLoopback() && ip.Zone() == "" {
		return true
	}
	for _, e := range extra {
		if e = hostName(e); e != "" && e == name {
			return true
		}
	}
	return false
}

// hostName is host without its port or IPv6 brackets, lower-cased and
// without a trailing dot; "" when host is malformed.
func hostName(host string) string {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	} else if strings.Count(host, ":") == 1 {
		return "" // "name:" or a port that SplitHostPort refused
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if strings.ContainsAny(host, "/@ \t") {
		return ""
	}
	return host
}
