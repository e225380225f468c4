package discord_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"testing"
	"time"
)

// BenchmarkSignedInteraction: a signed /incident show through the handler
// (signature, dedup record, Router, rendering) to its answer; reports p99.
func BenchmarkSignedInteraction(b *testing.B) {
	s := newStack(b, options{})
	s.slash(alice, parentID, "declare", map[string]any{"title": "Bench"})
	var lat []time.Duration
	i := 0
	for b.Loop() {
		i++
		body, _ := json.Marshal(map[string]any{"id": strconv.Itoa(900000000 + i), "application_id": appID, "type": 2, "token": "t",
			"channel_id": parentID, "member": map[string]any{"user": map[string]any{"id": alice}},
			"data": map[string]any{"id": "1", "name": "incident", "type": 1, "options": []map[string]any{{"name": "show", "type": 1,
				"options": []map[string]any{{"name": "incident", "type": 3, "value": "INC-1"}}}}}})
		start := time.Now()
		rec := s.do(signed(body, start))
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	sort.Slice(lat, func(a, c int) bool { return lat[a] < lat[c] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
