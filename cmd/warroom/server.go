package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/warroom/warroom/internal/httpx"
)

// Server timeouts. WriteTimeout bounds the slowest handler; no route
// streams, so it can be short.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	pingTimeout       = 2 * time.Second
)

// newServer is the HTTP server around handler, with every timeout set.
func newServer(handler http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.With("component", "http").Handler(), slog.LevelWarn),
	}
}

// routes adds the operational endpoints: /healthz, /readyz, /metrics, and
// a JSON 404 for /api/ paths no adapter claimed.
func routes(mux *http.ServeMux, ping func(context.Context) error, m *metrics, log *slog.Logger) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
		defer cancel()
		if err := ping(ctx); err != nil {
			log.Warn("not ready", "err", err)
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable", "error": "the database is unreachable or its schema is not current",
			})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:       promhttp.ContinueOnError,
		ErrorLog:            slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		Registry:            m.reg, // counts the handler's own errors
		MaxRequestsInFlight: 4,
	}))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
}

// middleware wraps the mux: metrics outermost (it reads the pattern the mux
// matched and sees the status after a panic became 500), then panic
// recovery, then the body limit (413 over httpx.MaxBody).
func middleware(mux *http.ServeMux, m *metrics, log *slog.Logger) http.Handler {
	return httpx.Chain(mux, m.http.Wrap, httpx.Recover(log), httpx.LimitBody)
}
