package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/warroom/warroom/internal/httpx"
)

// TestMiddlewarePanicIs500: a panicking handler answers a JSON 500 and is
// counted as one, under the pattern the mux matched.
func TestMiddlewarePanicIs500(t *testing.T) {
	reg := prometheus.NewRegistry()
	hm, err := httpx.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := middleware(mux, &metrics{reg: reg, http: hm}, slog.New(slog.DiscardHandler))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"error":"internal error"`) {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counted := false
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, p := range m.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if mf.GetName() == "warroom_http_requests_total" && l["route"] == "GET /boom" && l["code"] == "500" {
				counted = m.GetCounter().GetValue() == 1
			}
		}
	}
	if !counted {
		t.Error(`warroom_http_requests_total{code="500",route="GET /boom"} is not 1`)
	}
}
