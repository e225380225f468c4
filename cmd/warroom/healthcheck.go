package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/warroom/warroom/config"
)

// healthcheckTimeout bounds one `warroom healthcheck` probe.
const healthcheckTimeout = 3 * time.Second

// healthcheck probes a running warroom over HTTP and exits 0 when it answers
// 200: GET /healthz by default, /readyz with --ready. It is for
// orchestrators that run a command in the container, which has no shell nor
// curl (Docker's HEALTHCHECK, compose). The address is --addr, else the
// configured one (WARROOM_ADDR or the file), with an unspecified host
// (0.0.0.0, ::) probed on loopback.
func (c *cli) healthcheck(ctx context.Context, args []string) int {
	fs := c.flags("warroom healthcheck")
	addr := fs.String("addr", "", "`host:port` to probe (default: the configured listen address)")
	ready := fs.Bool("ready", false, "probe /readyz (database reachable, schema current) instead of /healthz")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "warroom healthcheck: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	target := *addr
	if target == "" {
		target = c.listenAddr()
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	url := "http://" + probeHost(target) + path
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom healthcheck: %v\n", err)
		return exitUsage
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.stderr, "warroom healthcheck: %s: %v\n", url, err)
		return exitError
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(c.stderr, "warroom healthcheck: %s: %s\n", url, resp.Status)
		return exitError
	}
	fmt.Fprintf(c.stdout, "%s: %s\n", url, resp.Status)
	return exitOK
}

// listenAddr is the address serve would listen on: WARROOM_ADDR, else the
// configuration file's addr, else the default. A configuration that does
// not load (a secret missing in this shell) still yields WARROOM_ADDR.
func (c *cli) listenAddr() string {
	if v, ok := c.lookup("WARROOM_ADDR"); ok && v != "" {
		return v
	}
	if cfg, err := config.Load(c.configPath, c.lookup); err == nil {
		return cfg.Addr
	}
	return "127.0.0.1:8080"
}

// probeHost turns a listen address into one to dial: an empty or
// unspecified host becomes loopback.
func probeHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
