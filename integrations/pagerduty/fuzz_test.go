package pagerduty_test

import (
	"testing"

	"github.com/warroom/warroom/integrations/pagerduty"
)

func FuzzDecodeEvent(f *testing.F) {
	for _, ev := range []string{"incident.triggered", "incident.annotated", "incident.resolved"} {
		f.Add(pdEvent(ev, "PXYZ123", "INC-4:alice", ""))
	}
	f.Add([]byte(`{"event":{"event_type":"x","data":{"priority":{"summary":"P9"}}}}`))
	f.Add([]byte(`{"event":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := pagerduty.DecodeEvent(body)
		if err != nil {
			if ev != nil {
				t.Fatal("an error with an event")
			}
			return
		}
		if ev.EventType == "" {
			t.Fatal("decoded an event without a type")
		}
		if s := ev.Severity(); !s.Valid() {
			t.Fatalf("severity %d", s)
		}
		_ = ev.IncidentID()
		_ = ev.IncidentURL()
		_ = ev.AgentName()
		_ = ev.AssigneeNames()
	})
}
