package amshape_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/integrations/internal/amshape"
)

func TestUnmarshal(t *testing.T) {
	for _, tt := range []struct{ body, errHas string }{
		{`{"alerts":[]}`, ""},
		{`{"alerts":[]} {}`, "invalid Sender JSON: trailing data"},
		{`{"alerts":`, "invalid Sender JSON: "},
	} {
		var p amshape.Payload[amshape.Alert]
		err := amshape.Unmarshal([]byte(tt.body), "Sender", &p)
		if tt.errHas == "" && err != nil || tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)) {
			t.Errorf("%s: err %v, want %q", tt.body, err, tt.errHas)
		}
	}
}

// TestUnmarshalGroupSizesTheAlerts: a group's alerts are decoded into a
// slice made once, with fewer allocations than through Unmarshal, and to
// the same values.
func TestUnmarshalGroupSizesTheAlerts(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":"4","groupLabels":{"alertname":"A"},"alerts":[`)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"status":"firing","labels":{"alertname":"A","instance":"h%d"},"annotations":{"summary":"s"},"startsAt":"2026-01-01T00:00:00Z"}`, i)
	}
	b.WriteString(`]}`)
	body := []byte(b.String())
	var plain, sized amshape.Payload[amshape.Alert]
	if err := amshape.Unmarshal(body, "Sender", &plain); err != nil {
		t.Fatal(err)
	}
	if err := amshape.UnmarshalGroup(body, "Sender", &sized, &sized.Alerts); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(plain, sized) || len(sized.Alerts) != 10 || cap(sized.Alerts) != 10 {
		t.Fatalf("UnmarshalGroup: %d alerts (room for %d), equal to Unmarshal's: %v", len(sized.Alerts), cap(sized.Alerts), reflect.DeepEqual(plain, sized))
	}
	was := testing.AllocsPerRun(20, func() {
		var p amshape.Payload[amshape.Alert]
		_ = amshape.Unmarshal(body, "Sender", &p)
	})
	is := testing.AllocsPerRun(20, func() {
		var p amshape.Payload[amshape.Alert]
		_ = amshape.UnmarshalGroup(body, "Sender", &p, &p.Alerts)
	})
	if is >= was {
		t.Errorf("allocations per body: %v through UnmarshalGroup, %v through Unmarshal", is, was)
	}
}

func TestConvert(t *testing.T) {
	ok := func(a amshape.Alert) (bot.Alert, error) { return bot.Alert{Title: a.Status}, nil }
	for _, tt := range []struct {
		name   string
		p      amshape.Payload[amshape.Alert]
		conv   func(amshape.Alert) (bot.Alert, error)
		errHas string
		n      int
	}{
		{"no alerts array", amshape.Payload[amshape.Alert]{}, ok, `the Sender payload has no "alerts" array`, 0},
		{"negative truncated", amshape.Payload[amshape.Alert]{Alerts: []amshape.Alert{}, TruncatedAlerts: -1}, ok, "truncatedAlerts -1 is negative", 0},
		{"in order", amshape.Payload[amshape.Alert]{Alerts: []amshape.Alert{{Status: "a"}, {Status: "b"}}}, ok, "", 2},
		{"error names the index", amshape.Payload[amshape.Alert]{Alerts: []amshape.Alert{{}, {Status: "bad"}}},
			func(a amshape.Alert) (bot.Alert, error) {
				if a.Status == "bad" {
					return bot.Alert{}, errors.New("boom")
				}
				return bot.Alert{}, nil
			}, "alerts[1]: boom", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := amshape.Convert(&tt.p, "Sender", tt.conv)
			if tt.errHas != "" {
				if err == nil || err.Error() != tt.errHas {
					t.Fatalf("err %v, want %q", err, tt.errHas)
				}
				return
			}
			if err != nil || len(got) != tt.n || got[0].Title != "a" || got[1].Title != "b" {
				t.Fatalf("%+v (%v)", got, err)
			}
		})
	}
}

func TestBase(t *testing.T) {
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	end := start.Add(time.Hour)
	labels := map[string]string{"alertname": "HighLatency", "job": "api"}
	for _, tt := range []struct {
		name    string
		a       amshape.Alert
		errHas  string
		title   string
		fp      string
		hasEnd  bool
		resolve bool
	}{
		{"firing ignores endsAt", amshape.Alert{Status: "firing", Labels: labels, StartsAt: start, EndsAt: end, Fingerprint: "f1"}, "", "HighLatency", "f1", false, false},
		{"resolved ends", amshape.Alert{Status: "resolved", Labels: labels, EndsAt: end, Fingerprint: "f1"}, "", "HighLatency", "f1", true, true},
		{"summary is the title", amshape.Alert{Status: "firing", Labels: labels, Annotations: map[string]string{"summary": "slow"}, Fingerprint: "f1"}, "", "slow", "f1", false, false},
		{"fingerprint of labels", amshape.Alert{Status: "firing", Labels: labels}, "", "HighLatency", amshape.LabelsFingerprint(labels), false, false},
		{"unknown status", amshape.Alert{Status: "pending", Labels: labels}, `status "pending" is neither`, "", "", false, false},
		{"no labels", amshape.Alert{Status: "firing"}, "the alert has no labels", "", "", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.a.Base("src", "gk")
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err %v, want %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Source != "src" || got.GroupKey != "gk" || got.Title != tt.title || got.Fingerprint != tt.fp {
				t.Errorf("got %+v", got)
			}
			if (got.Status == bot.AlertResolved) != tt.resolve || (got.EndsAt != nil) != tt.hasEnd {
				t.Errorf("status %s, ends %v", got.Status, got.EndsAt)
			}
			if got.StartsAt.Location() != time.UTC || got.EndsAt != nil && !got.EndsAt.Equal(end) {
				t.Errorf("times %v %v, want UTC", got.StartsAt, got.EndsAt)
			}
			if len(got.Labels) != len(tt.a.Labels) || len(got.Annotations) != len(tt.a.Annotations) {
				t.Errorf("labels %v, annotations %v", got.Labels, got.Annotations)
			}
		})
	}
}

func TestLabelsFingerprint(t *testing.T) {
	a := amshape.LabelsFingerprint(map[string]string{"a": "1", "b": "2"})
	if len(a) != 16 || a != amshape.LabelsFingerprint(map[string]string{"b": "2", "a": "1"}) {
		t.Errorf("fingerprint %q is not 16 digits of the set", a)
	}
	if a == amshape.LabelsFingerprint(map[string]string{"a": "12"}) || a == amshape.LabelsFingerprint(map[string]string{"a": "1", "b": "3"}) {
		t.Error("different label sets share a fingerprint")
	}
}
