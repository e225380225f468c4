package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	port := addr[strings.LastIndex(addr, ":")+1:]

	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		out  string
	}{
		{name: "healthy", args: []string{"healthcheck", "--addr", addr}, code: 0, out: "200 OK"},
		{name: "not ready", args: []string{"healthcheck", "--addr", addr, "--ready"}, code: 1, out: "503"},
		{name: "address from the environment, unspecified host", env: []string{"WARROOM_ADDR", "0.0.0.0:" + port}, args: []string{"healthcheck"}, code: 0, out: "http://127.0.0.1:" + port + "/healthz"},
		{name: "nothing listens", args: []string{"healthcheck", "--addr", "127.0.0.1:1"}, code: 1, out: "healthcheck"},
		{name: "unexpected argument", args: []string{"healthcheck", "now"}, code: 2, out: "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, env(tc.env...), tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.out) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, tc.code, tc.out)
			}
		})
	}
}

func TestProbeHost(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "127.0.0.1:8080",
		":9000":          "127.0.0.1:9000",
		"10.0.0.5:8080":  "10.0.0.5:8080",
		"localhost:8080": "localhost:8080",
	} {
		if got := probeHost(in); got != want {
			t.Errorf("probeHost(%q) = %q, want %q", in, got, want)
		}
	}
}
